import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyTextDiff } from './applyTextDiff.js';

function edit(from: string, to: string) {
  const document = new Y.Doc();
  const text = document.getText('content');
  text.insert(0, from);
  const operations: unknown[] = [];
  text.observe((event) => operations.push(...event.delta));
  document.transact(() => applyTextDiff(text, from, to));
  return { result: text.toJSON(), operations };
}

describe('applyTextDiff', () => {
  it('turns any text into any other', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    // Whole code points: text read from a file never holds half a surrogate pair.
    const alphabet = ['a', 'b', '\n', '😀', 'é', ' '];
    const word = () =>
      Array.from({ length: Math.floor(random() * 30) }, () => alphabet[Math.floor(random() * 6)]).join('');
    for (let round = 0; round < 300; round++) {
      const from = word();
      const to =
        random() < 0.5 ? word() : [...from].slice(0, 5).join('') + word() + [...from].slice(10).join('');
      expect(edit(from, to).result, JSON.stringify({ from, to })).toBe(to);
    }
  });

  it('touches only what changed', () => {
    expect(edit('const a = 1;\nconst b = 2;\n', 'const a = 1;\nconst b = 3;\n').operations).toEqual([
      { retain: 23 },
      { delete: 1 },
      { insert: '3' },
    ]);
    expect(edit('hello world', 'hello brave world').operations).toEqual([
      { retain: 6 },
      { insert: 'brave ' },
    ]);
  });

  it('never splits a surrogate pair', () => {
    const { result, operations } = edit('a😀b', 'a😃b');
    expect(result).toBe('a😃b');
    // The whole emoji (two UTF-16 units) is replaced, not half of it.
    expect(operations).toEqual([{ retain: 1 }, { delete: 2 }, { insert: '😃' }]);
  });

  it('replaces a rewritten file quickly instead of diffing it character by character', () => {
    const line = (i: number, salt: string) => `line ${i} ${salt} ${'x'.repeat(i % 40)}\n`;
    const from = Array.from({ length: 20_000 }, (_, i) => line(i, 'old')).join('');
    const to = Array.from({ length: 20_000 }, (_, i) => line(i * 7, 'new')).join('');
    const started = performance.now();
    expect(edit(from, to).result).toBe(to);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
