import { describe, expect, it } from 'vitest';
import { OutputTail, plainText } from './outputTail';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('OutputTail', () => {
  it('keeps the text a person would read, without colours or cursor movement', () => {
    const tail = new OutputTail();
    tail.push(bytes('\x1b[1;32muser@vf\x1b[0m:\x1b[34m/workspace\x1b[0m$ echo hi\r\nhi\r\n'));
    tail.push(bytes('\x1b]0;title\x07\x1b[?2004h$ '));
    expect(tail.text()).toBe('user@vf:/workspace$ echo hi\nhi\n$ ');
  });

  it('decodes characters split across chunks', () => {
    const tail = new OutputTail();
    const encoded = bytes('héllo ✓');
    tail.push(encoded.slice(0, 2));
    tail.push(encoded.slice(2, 8));
    tail.push(encoded.slice(8));
    expect(tail.text()).toBe('héllo ✓');
  });

  it('keeps only the last characters, and starts over on clear', () => {
    const tail = new OutputTail(10);
    for (let i = 0; i < 100; i++) tail.push(bytes(`line ${i}\n`));
    expect(tail.text()).toBe('8\nline 99\n');
    expect(tail.text().length).toBeLessThanOrEqual(10);
    tail.clear();
    expect(tail.text()).toBe('');
  });

  it('plainText drops control characters but keeps tabs and newlines', () => {
    expect(plainText('a\tb\x07c\bd\r\ne')).toBe('a\tbcd\ne');
  });
});
