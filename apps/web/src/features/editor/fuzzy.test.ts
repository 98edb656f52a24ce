import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyScore, parseQuickOpenQuery } from './fuzzy';

const paths = [
  'src/index.ts',
  'src/components/IndexPage.tsx',
  'src/utils/inDex.test.ts',
  'README.md',
  'package.json',
  'src/server/routes/userRoutes.ts',
  'docs/internals/notes.md',
];

describe('quick-open fuzzy matching', () => {
  it('needs every query character in order', () => {
    expect(fuzzyScore('xyz', 'src/index.ts')).toBeNull();
    expect(fuzzyScore('sit', 'src/index.ts')).not.toBeNull();
    expect(fuzzyScore('tis', 'src/index.ts')).toBeNull();
  });

  it('ranks file-name matches, prefixes and word starts first', () => {
    expect(fuzzyFilter('index', paths).map((match) => match.path)).toEqual([
      'src/index.ts',
      'src/utils/inDex.test.ts',
      'src/components/IndexPage.tsx',
    ]);
    expect(fuzzyFilter('ur', paths)[0]?.path).toBe('src/server/routes/userRoutes.ts');
    expect(fuzzyFilter('pkg', paths)[0]?.path).toBe('package.json');
  });

  it('matches across directories when the query has a slash, and reports positions for highlighting', () => {
    const match = fuzzyScore('s/idx', 'src/index.ts');
    expect(match).not.toBeNull();
    expect(match!.positions.map((i) => 'src/index.ts'[i]).join('')).toBe('s/idx');
    const inName = fuzzyScore('readme', 'README.md');
    expect(inName!.positions).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('returns everything for an empty query and caps the count', () => {
    expect(fuzzyFilter('', paths)).toHaveLength(paths.length);
    expect(fuzzyFilter('', paths, 3)).toHaveLength(3);
  });

  it('stays fast on long queries and many files', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `src/module${i}/component${i % 97}/file${i}.tsx`);
    const started = performance.now();
    fuzzyFilter('srcmodulecomponentfiletsx', many);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('reads a trailing :line[:column]', () => {
    expect(parseQuickOpenQuery('app.ts:12')).toEqual({ query: 'app.ts', line: 12 });
    expect(parseQuickOpenQuery('app.ts:12:4')).toEqual({ query: 'app.ts', line: 12, column: 4 });
    expect(parseQuickOpenQuery(' app ')).toEqual({ query: 'app' });
  });
});
