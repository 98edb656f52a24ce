import { describe, expect, it } from 'vitest';
import { parseDotenv, withoutLines } from './parseDotenv.js';

const values = (text: string) =>
  Object.fromEntries(parseDotenv(text).entries.map((entry) => [entry.name, entry.value]));

describe('parseDotenv', () => {
  it('reads plain assignments, the export prefix, comments and blank lines', () => {
    const text =
      '# a comment\n\nAPI_KEY=abc123\nexport  DB_URL = postgres://u:p@h/db\n  # indented comment\n';
    expect(values(text)).toEqual({ API_KEY: 'abc123', DB_URL: 'postgres://u:p@h/db' });
    expect(parseDotenv(text).problems).toEqual([]);
  });

  it('ends an unquoted value at a comment after a blank, but keeps # inside a word', () => {
    expect(values('A=one two # note\nB=pa#ss\nC=#only a comment\nD=\n')).toEqual({
      A: 'one two',
      B: 'pa#ss',
      C: '',
      D: '',
    });
  });

  it('keeps single-quoted and backtick values literal', () => {
    expect(values("A='a \\n $B # not a comment'\nB=`x 'y' \"z\"`\n")).toEqual({
      A: 'a \\n $B # not a comment',
      B: `x 'y' "z"`,
    });
  });

  it('unescapes double-quoted values, and a comment may follow the quote', () => {
    expect(values('A="line1\\nline2\\t\\"q\\" \\\\ \\$x" # comment\n')).toEqual({
      A: 'line1\nline2\t"q" \\ \\$x',
    });
  });

  it('reads quoted values across lines and reports the lines they span', () => {
    const text = 'KEY="-----BEGIN-----\nabc\n-----END-----"\nNEXT=1\n';
    const { entries } = parseDotenv(text);
    expect(entries).toEqual([
      { name: 'KEY', value: '-----BEGIN-----\nabc\n-----END-----', firstLine: 1, lastLine: 3 },
      { name: 'NEXT', value: '1', firstLine: 4, lastLine: 4 },
    ]);
  });

  it('reports lines it cannot read without their values', () => {
    const text = 'not an assignment\nA="never closed\nB=2\nC="x" trailing\n';
    const parsed = parseDotenv(text);
    expect(parsed.problems).toEqual([
      { line: 1, reason: 'not a NAME=value assignment' },
      { line: 2, reason: 'the " quote is not closed (the next one, on line 4, has text after it)' },
      { line: 4, reason: 'unexpected text after the closing quote' },
    ]);
    expect(parsed.entries.map((entry) => entry.name)).toEqual(['B']);
    expect(parseDotenv('A="open\nB=2\n').problems).toEqual([
      { line: 1, reason: 'the " quote is not closed' },
    ]);
    expect(values('A="open\nB=2\n')).toEqual({ B: '2' });
    expect(JSON.stringify(parsed.problems)).not.toContain('never closed');
  });

  it('reads CRLF files and files without a final newline', () => {
    expect(values('A=1\r\nB="two"\r\nC=3')).toEqual({ A: '1', B: 'two', C: '3' });
  });
});

describe('withoutLines', () => {
  it('drops the given lines and keeps every other byte', () => {
    const text = '# keep\r\nA=1\r\nB="x\r\ny"\r\n\r\nC=3';
    expect(withoutLines(text, new Set([2]))).toBe('# keep\r\nB="x\r\ny"\r\n\r\nC=3');
    expect(withoutLines(text, new Set([3, 4, 6]))).toBe('# keep\r\nA=1\r\n\r\n');
    expect(withoutLines(text, new Set())).toBe(text);
  });
});
