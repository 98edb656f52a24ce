import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lineSplitter.js';
import { OutputBuffer } from './outputBuffer.js';

describe('OutputBuffer', () => {
  it('keeps everything under the limit, byte for byte across chunks', () => {
    const buffer = new OutputBuffer(16);
    const euro = Buffer.from('€'); // three bytes, split across pushes
    buffer.push(Buffer.from('ab'));
    buffer.push(euro.subarray(0, 1));
    buffer.push(euro.subarray(1));
    expect(buffer.text()).toBe('ab€');
    expect(buffer.truncated).toBe(false);
  });

  it('keeps the start and the end of long output and says how much was dropped', () => {
    const buffer = new OutputBuffer(10);
    for (const chunk of ['01234', '56789', 'abcde', 'fghij', 'KLMNO']) buffer.push(Buffer.from(chunk));
    expect(buffer.truncated).toBe(true);
    expect(buffer.totalBytes).toBe(25);
    expect(buffer.text()).toBe('01234\n[… 15 bytes omitted …]\nKLMNO');
  });

  it('handles chunks larger than the whole budget', () => {
    const buffer = new OutputBuffer(6);
    buffer.push(Buffer.from('x'.repeat(100) + 'END'));
    expect(buffer.text()).toBe('xxx\n[… 97 bytes omitted …]\nEND');
    const none = new OutputBuffer(0);
    none.push(Buffer.from('abc'));
    expect(none.text()).toBe('\n[… 3 bytes omitted …]\n');
  });
});

describe('LineSplitter', () => {
  it('splits across chunks, strips CR, keeps multi-byte characters whole and flushes the rest', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line), 8);
    const text = Buffer.from('one\r\ntw€o\nthree-is-long\nrest');
    for (let i = 0; i < text.length; i += 3) splitter.push(text.subarray(i, i + 3));
    splitter.end();
    expect(lines).toEqual(['one', 'tw€o', 'three-is', '-long', 'rest']);
  });
});
