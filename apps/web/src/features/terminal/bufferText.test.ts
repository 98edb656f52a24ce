import { describe, expect, it } from 'vitest';
import { bufferText, type BufferLike } from './bufferText';

/** Rows as xterm keeps them: padded to the width, `wrapped` when a row continues the one above. */
function buffer(rows: { text: string; wrapped?: boolean }[], width = 10): BufferLike & { reads: number } {
  const fake = {
    reads: 0,
    getLine: (y: number) => {
      const row = rows[y];
      if (!row) return undefined;
      fake.reads += 1;
      return {
        isWrapped: row.wrapped === true,
        translateToString: (trimRight?: boolean) =>
          trimRight ? row.text.trimEnd() : row.text.padEnd(width, ' '),
      };
    },
  };
  return fake;
}

describe('bufferText', () => {
  it('joins a wrapped line without a break and keeps its spaces; ends other rows with one', () => {
    const rows = [
      { text: '$ ls' },
      { text: 'a very lon' },
      { text: 'g line    ', wrapped: true },
      { text: 'next' },
      { text: '' },
    ];
    expect(bufferText(buffer(rows), 1, 4, 1000)).toBe('a very long line\nnext\n');
  });

  it('reads from the end and stops once it has enough', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ text: `row ${i}` }));
    const fake = buffer(rows);
    const text = bufferText(fake, 0, 9_999, 20);
    expect(text).toBe('row 9997\nrow 9998\nrow 9999'.slice(-20));
    expect(fake.reads).toBeLessThan(10);
  });

  it('skips rows the buffer no longer has', () => {
    expect(bufferText(buffer([{ text: 'only' }]), 0, 3, 100)).toBe('only\n');
  });
});
