import { describe, expect, it } from 'vitest';
import { applyEdits, minimalEdits, splitLines } from './minimalEdits';

function roundTrip(oldText: string, newText: string, maxCost?: number) {
  const edits = minimalEdits(oldText, newText, maxCost);
  expect(applyEdits(oldText, edits)).toBe(newText);
  return edits;
}

describe('minimalEdits', () => {
  it('splits lines keeping terminators', () => {
    expect(splitLines('a\nb\r\nc')).toEqual(['a\n', 'b\r\n', 'c']);
    expect(splitLines('a\n')).toEqual(['a\n']);
    expect(splitLines('')).toEqual([]);
  });

  it('returns nothing for equal texts', () => {
    expect(minimalEdits('same\n', 'same\n')).toEqual([]);
  });

  it('changes only the characters that differ', () => {
    expect(roundTrip('const a = 1;\nconst b = 2;\n', 'const a = 1;\nconst b = 3;\n')).toEqual([
      { start: 23, end: 24, text: '3' },
    ]);
  });

  it('keeps separate changes separate, so text between them (and cursors there) is untouched', () => {
    const before = ['import x', 'one', 'two', 'three', 'four', 'five', 'end'].join('\n');
    const after = ['import y', 'one', 'two', 'three', 'four', 'five', 'END'].join('\n');
    const edits = roundTrip(before, after);
    expect(edits).toHaveLength(2);
    const middle = before.indexOf('three');
    expect(edits.every((edit) => edit.end <= middle || edit.start > middle + 5)).toBe(true);
  });

  it('handles inserted and deleted lines, empty texts and missing final newlines', () => {
    roundTrip('a\nb\nc\n', 'a\nx\nb\nc\n');
    roundTrip('a\nb\nc\n', 'a\nc\n');
    roundTrip('', 'new\nfile');
    roundTrip('gone\n', '');
    roundTrip('a\nb', 'a\nb\n');
    roundTrip('x\r\ny\r\n', 'x\r\nz\r\n');
  });

  it('never splits a surrogate pair', () => {
    const edits = roundTrip('a😀b', 'a😃b');
    for (const edit of edits) expect(edit.text).toBe('😃');
  });

  it('falls back to one coarse edit when the texts differ everywhere', () => {
    const before = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const after = Array.from({ length: 50 }, (_, i) => `LINE ${i}`).join('\n');
    expect(roundTrip(before, after, 5)).toHaveLength(1);
  });

  it('round-trips random edits', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const words = ['a', 'b', 'c', '', 'dd', 'e e'];
    for (let round = 0; round < 200; round++) {
      const lines = Array.from({ length: random(12) }, () => words[random(words.length)]);
      const changed = lines.flatMap((line) => {
        const roll = random(6);
        if (roll === 0) return [];
        if (roll === 1) return [line, words[random(words.length)]];
        if (roll === 2) return [`${line}!`];
        return [line];
      });
      roundTrip(lines.join('\n'), changed.join('\n'));
    }
  });
});
