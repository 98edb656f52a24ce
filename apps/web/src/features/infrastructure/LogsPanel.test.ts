import { describe, expect, it } from 'vitest';
import { appendCapped } from './LogsPanel';

describe('appendCapped', () => {
  it('keeps the newest lines up to the cap', () => {
    expect(appendCapped([1, 2, 3], [4, 5], 4)).toEqual([2, 3, 4, 5]);
    expect(appendCapped([1], [2], 4)).toEqual([1, 2]);
    expect(
      appendCapped(
        [],
        Array.from({ length: 10 }, (_, i) => i),
        3,
      ),
    ).toEqual([7, 8, 9]);
  });
});
