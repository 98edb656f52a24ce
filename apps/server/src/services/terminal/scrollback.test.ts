import { describe, expect, it } from 'vitest';
import { Scrollback } from './scrollback.js';

describe('Scrollback', () => {
  it('keeps the last bytes up to its capacity, across chunk boundaries', () => {
    const scrollback = new Scrollback(10);
    scrollback.push(Buffer.from('hello '));
    scrollback.push(Buffer.from('world'));
    expect(scrollback.snapshot().toString()).toBe('ello world');
    scrollback.push(Buffer.from('!!!!!!!!!!!!'));
    expect(scrollback.snapshot().toString()).toBe('!!!!!!!!!!');
    expect(scrollback.size).toBe(10);
  });
});
