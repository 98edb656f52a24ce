import { describe, expect, it } from 'vitest';
import { buildSearchBody, expandGlobs, groupMatches, previewParts, type SearchOptions } from './searchModel';

const options = (change: Partial<SearchOptions> = {}): SearchOptions => ({
  query: 'foo',
  caseSensitive: false,
  wholeWord: false,
  regex: false,
  include: '',
  exclude: '',
  ...change,
});

describe('search model', () => {
  it('builds the request body the server schema expects', () => {
    expect(buildSearchBody(options())).toEqual({
      body: { query: 'foo', regex: false, caseSensitive: false, include: [], exclude: [], maxResults: 2000 },
    });
    expect(buildSearchBody(options({ query: '' }))).toEqual({ error: null });
    expect(buildSearchBody(options({ query: 'a.b', wholeWord: true, caseSensitive: true }))).toMatchObject({
      body: { query: '\\b(?:a\\.b)\\b', regex: true, caseSensitive: true },
    });
    expect(buildSearchBody(options({ query: 'fo+|bar', regex: true, wholeWord: true }))).toMatchObject({
      body: { query: '\\b(?:fo+|bar)\\b', regex: true },
    });
    expect(buildSearchBody(options({ query: '(unclosed', regex: true }))).toMatchObject({
      error: expect.stringMatching(/Invalid regular expression/),
    });
    // Not a regex: parentheses are literal.
    expect(buildSearchBody(options({ query: '(unclosed' }))).toMatchObject({
      body: { query: '(unclosed', regex: false },
    });
  });

  it('expands VS Code glob shorthands', () => {
    expect(expandGlobs('*.ts, node_modules ,')).toEqual([
      '**/*.ts',
      '**/*.ts/**',
      '**/node_modules',
      '**/node_modules/**',
    ]);
    expect(expandGlobs('./src/components/')).toEqual(['src/components', 'src/components/**']);
    expect(expandGlobs('src/**')).toEqual(['src/**']);
    expect(expandGlobs('**/*.md')).toEqual(['**/*.md', '**/*.md/**']);
    expect(expandGlobs(Array.from({ length: 30 }, (_, i) => `d${i}`).join(','))).toHaveLength(20);
  });

  it('groups matches by file and line and finds each match’s length', () => {
    const grouped = groupMatches(
      {
        matches: [
          { path: 'a.ts', line: 3, column: 7, text: 'const Foo = foo();' },
          { path: 'a.ts', line: 3, column: 13, text: 'const Foo = foo();' },
          { path: 'b.ts', line: 1, column: 1, text: 'foo' },
          { path: 'a.ts', line: 9, column: 1, text: 'foofoo' },
        ],
        truncated: false,
        filesSearched: 2,
      },
      options(),
    );
    expect(grouped.map((file) => [file.path, file.count])).toEqual([
      ['a.ts', 3],
      ['b.ts', 1],
    ]);
    expect(grouped[0]!.lines[0]).toEqual({
      line: 3,
      text: 'const Foo = foo();',
      ranges: [
        { start: 6, end: 9 },
        { start: 12, end: 15 },
      ],
    });
    const regex = groupMatches(
      { matches: [{ path: 'x', line: 1, column: 3, text: 'a fooo b' }], truncated: false, filesSearched: 1 },
      options({ query: 'fo+', regex: true }),
    );
    expect(regex[0]!.lines[0]!.ranges).toEqual([{ start: 2, end: 6 }]);
  });

  it('cuts previews around the first match and marks every match', () => {
    const line = {
      line: 1,
      text: '    return foo + foo;',
      ranges: [
        { start: 11, end: 14 },
        { start: 17, end: 20 },
      ],
    };
    expect(previewParts(line)).toEqual([
      { text: 'return ', match: false },
      { text: 'foo', match: true },
      { text: ' + ', match: false },
      { text: 'foo', match: true },
      { text: ';', match: false },
    ]);
    const long = { line: 1, text: `${'word '.repeat(40)}foo end`, ranges: [{ start: 200, end: 203 }] };
    const parts = previewParts(long, 20);
    expect(parts[0]).toEqual({ text: '…', match: false });
    expect(parts.map((part) => part.text).join('').length).toBeLessThan(40);
    expect(parts.find((part) => part.match)?.text).toBe('foo');
  });
});
