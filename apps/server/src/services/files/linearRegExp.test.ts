import { describe, expect, it } from 'vitest';
import { caseFolded, linearRegExp } from './linearRegExp.js';

describe('linearRegExp', () => {
  it.each([
    ['port', 'PORT = 1', true],
    ['[a-c]x', 'BX', true],
    ['[^a-z]', 'Q', false],
    ['\\d+', '123', true],
    ['\\D', 'x', true],
    ['café', 'CAFÉ', true],
  ])('matches %j against %j regardless of case: %s', (source, text, expected) => {
    expect(linearRegExp(source, false).test(text)).toBe(expected);
  });

  it('keeps escapes and classes intact while folding case', () => {
    expect(caseFolded('a\\Sb[x-z\\d]')).toBe('[aA]\\S[bB][x-z\\dX-Z\\d]');
  });

  it('is case-sensitive when asked', () => {
    expect(linearRegExp('Port', true).test('port')).toBe(false);
  });

  it('refuses lookbehind and invalid patterns with a reason', () => {
    expect(() => linearRegExp('(?<=a)b', true)).toThrow(/lookaround/);
    expect(() => linearRegExp('[', true)).toThrow(/not a valid regular expression/);
  });
});
