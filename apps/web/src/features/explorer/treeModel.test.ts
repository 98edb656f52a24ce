import type { TreeEntry } from '@vaporform/contracts';
import { describe, expect, it } from 'vitest';
import {
  ancestors,
  canMove,
  childNames,
  dropTarget,
  loadExpanded,
  renameExpanded,
  saveExpanded,
  sortTree,
  treeKeyAction,
  validateName,
  visibleRows,
  type Row,
} from './treeModel';

const file = (path: string): TreeEntry => ({ name: path.split('/').at(-1)!, path, type: 'file' });
const folder = (path: string, children: TreeEntry[]): TreeEntry => ({
  name: path.split('/').at(-1)!,
  path,
  type: 'directory',
  children,
});

const tree = sortTree([
  file('README.md'),
  folder('src', [
    file('src/file10.ts'),
    file('src/file2.ts'),
    folder('src/lib', [file('src/lib/a.ts')]),
    file('src/App.tsx'),
  ]),
  file('.env'),
  folder('public', []),
  file('package.json'),
]);

const paths = (rows: Row[]) =>
  rows.map((row) => (row.kind === 'entry' ? row.entry.path : `<new ${row.type} in ${row.parent}>`));

describe('explorer tree model', () => {
  it('sorts folders first, then names naturally and case-insensitively', () => {
    expect(tree.map((entry) => entry.name)).toEqual(['public', 'src', '.env', 'package.json', 'README.md']);
    expect(tree[1]!.children!.map((entry) => entry.name)).toEqual([
      'lib',
      'App.tsx',
      'file2.ts',
      'file10.ts',
    ]);
  });

  it('flattens only expanded folders, with depth, and places the inline new-entry row', () => {
    expect(paths(visibleRows(tree, new Set()))).toEqual([
      'public',
      'src',
      '.env',
      'package.json',
      'README.md',
    ]);
    const rows = visibleRows(tree, new Set(['src', 'src/lib']), { parent: 'src', type: 'file' });
    expect(paths(rows)).toEqual([
      'public',
      'src',
      '<new file in src>',
      'src/lib',
      'src/lib/a.ts',
      'src/App.tsx',
      'src/file2.ts',
      'src/file10.ts',
      '.env',
      'package.json',
      'README.md',
    ]);
    expect(rows.find((row) => row.kind === 'entry' && row.entry.path === 'src/lib/a.ts')?.depth).toBe(2);
    // A collapsed parent hides an expanded child.
    expect(paths(visibleRows(tree, new Set(['src/lib'])))).not.toContain('src/lib/a.ts');
  });

  it('moves through the tree with the keyboard like a WAI-ARIA tree', () => {
    const expanded = new Set(['src']);
    const rows = visibleRows(tree, expanded);
    expect(treeKeyAction(rows, null, 'ArrowDown')).toEqual({ kind: 'focus', path: 'public' });
    expect(treeKeyAction(rows, 'public', 'ArrowDown')).toEqual({ kind: 'focus', path: 'src' });
    expect(treeKeyAction(rows, 'src', 'ArrowUp')).toEqual({ kind: 'focus', path: 'public' });
    expect(treeKeyAction(rows, 'README.md', 'ArrowDown')).toEqual({ kind: 'focus', path: 'README.md' });
    expect(treeKeyAction(rows, 'src', 'ArrowRight')).toEqual({ kind: 'focus', path: 'src/lib' });
    expect(treeKeyAction(rows, 'src/lib', 'ArrowRight')).toEqual({ kind: 'expand', path: 'src/lib' });
    expect(treeKeyAction(rows, 'src/App.tsx', 'ArrowLeft')).toEqual({ kind: 'focus', path: 'src' });
    expect(treeKeyAction(rows, 'src', 'ArrowLeft')).toEqual({ kind: 'collapse', path: 'src' });
    expect(treeKeyAction(rows, 'public', 'ArrowLeft')).toBeNull();
    expect(treeKeyAction(rows, 'src/App.tsx', 'Enter')).toEqual({ kind: 'open', path: 'src/App.tsx' });
    expect(treeKeyAction(rows, 'public', 'Enter')).toEqual({ kind: 'expand', path: 'public' });
    expect(treeKeyAction(rows, 'src', 'Enter')).toEqual({ kind: 'collapse', path: 'src' });
    expect(treeKeyAction(rows, 'src/App.tsx', 'F2')).toEqual({ kind: 'rename', path: 'src/App.tsx' });
    expect(treeKeyAction(rows, 'src/App.tsx', 'Delete')).toEqual({ kind: 'delete', path: 'src/App.tsx' });
    expect(treeKeyAction(rows, 'src', 'End')).toEqual({ kind: 'focus', path: 'README.md' });
    expect(treeKeyAction(rows, 'src', 'Home')).toEqual({ kind: 'focus', path: 'public' });
    expect(treeKeyAction([], null, 'ArrowDown')).toBeNull();
  });

  it('validates names typed into the tree', () => {
    expect(validateName('')).toMatch(/must be provided/);
    expect(validateName('a/../b')).toMatch(/not valid/);
    expect(validateName('/abs')).toMatch(/slash/);
    expect(validateName('readme.md', ['README.md'])).toMatch(/already exists/);
    expect(validateName('README.md', ['README.md'], 'README.md')).toBeNull();
    expect(validateName('src/new.ts', ['src'])).toBeNull();
    expect(validateName('new.ts', ['README.md'])).toBeNull();
  });

  it('works out drop targets and refuses moves into themselves', () => {
    expect(dropTarget(null)).toBe('');
    expect(dropTarget({ entry: file('src/App.tsx') })).toBe('src');
    expect(dropTarget({ entry: folder('src/lib', []) })).toBe('src/lib');
    expect(canMove('src/App.tsx', 'src/lib')).toBe(true);
    expect(canMove('src/App.tsx', 'src')).toBe(false);
    expect(canMove('src', 'src/lib')).toBe(false);
    expect(canMove('src', 'src')).toBe(false);
    expect(canMove('src/lib', '')).toBe(true);
    expect(canMove('srcfoo.ts', 'src')).toBe(true);
  });

  it('keeps expanded folders in session storage per project, and across renames', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => void store.set(key, value),
    };
    saveExpanded('p1', new Set(['src', 'src/lib']), storage);
    expect(loadExpanded('p1', storage)).toEqual(new Set(['src', 'src/lib']));
    expect(loadExpanded('p2', storage)).toEqual(new Set());
    store.set('vaporform.explorer.expanded.p3', '{not json');
    expect(loadExpanded('p3', storage)).toEqual(new Set());
    expect(renameExpanded(new Set(['src', 'src/lib', 'srcx']), 'src', 'app')).toEqual(
      new Set(['app', 'app/lib', 'srcx']),
    );
  });

  it('lists ancestors and a folder’s children', () => {
    expect(ancestors('a/b/c.ts')).toEqual(['a', 'a/b']);
    expect(ancestors('c.ts')).toEqual([]);
    expect(childNames(tree, '')).toEqual(['public', 'src', '.env', 'package.json', 'README.md']);
    expect(childNames(tree, 'src/lib')).toEqual(['a.ts']);
  });
});
