import type { TreeEntry } from '@vaporform/contracts';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

const isFolder = (entry: TreeEntry) => entry.type === 'directory';

/** VS Code's default order: folders first, then names compared naturally (`file2` before `file10`), ignoring case. */
export function compareEntries(a: TreeEntry, b: TreeEntry): number {
  if (isFolder(a) !== isFolder(b)) return isFolder(a) ? -1 : 1;
  return collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** The tree sorted at every level (a new tree; the input is left alone). */
export function sortTree(entries: readonly TreeEntry[]): TreeEntry[] {
  return [...entries]
    .sort(compareEntries)
    .map((entry) => (entry.children ? { ...entry, children: sortTree(entry.children) } : entry));
}

/** A visible row of the tree: an entry, or the inline input for a new file or folder. */
export type Row =
  | { kind: 'entry'; entry: TreeEntry; depth: number; parent: string; expanded: boolean }
  | { kind: 'create'; type: 'file' | 'directory'; depth: number; parent: string };

export interface PendingCreate {
  /** The folder the new entry goes into; '' for the root. */
  parent: string;
  type: 'file' | 'directory';
}

/** The rows to draw: expanded folders' children indented under them, and the inline "new" input if any. */
export function visibleRows(
  entries: readonly TreeEntry[],
  expanded: ReadonlySet<string>,
  creating: PendingCreate | null = null,
): Row[] {
  const rows: Row[] = [];
  const walk = (level: readonly TreeEntry[], depth: number, parent: string) => {
    if (creating && creating.parent === parent)
      rows.push({ kind: 'create', type: creating.type, depth, parent });
    for (const entry of level) {
      const open = isFolder(entry) && expanded.has(entry.path);
      rows.push({ kind: 'entry', entry, depth, parent, expanded: open });
      if (open) walk(entry.children ?? [], depth + 1, entry.path);
    }
  };
  walk(entries, 0, '');
  return rows;
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}

/** `path` is `root` or inside it. */
export function isWithin(path: string, root: string): boolean {
  return root === '' || path === root || path.startsWith(`${root}/`);
}

/** Every folder above `path`, outermost first: `a/b/c.ts` → `a`, `a/b`. */
export function ancestors(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, index) => parts.slice(0, index + 1).join('/'));
}

/** Why a name typed into the tree cannot be used, or null. `/` is allowed: it creates folders on the way. */
export function validateName(
  name: string,
  siblings: readonly string[] = [],
  current?: string,
): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'A file or folder name must be provided.';
  if (trimmed.startsWith('/')) return 'A name cannot start with a slash.';
  const parts = trimmed.split('/');
  if (parts.some((part) => part === '.' || part === '..')) return `The name '${trimmed}' is not valid.`;
  if (parts.slice(0, -1).some((part) => part === '')) return 'A name cannot contain empty folder names.';
  if (/[\\\0]/.test(trimmed)) return 'A name cannot contain backslashes or NUL characters.';
  const first = parts[0]!;
  if (
    first !== current &&
    siblings.some((sibling) => sibling.toLowerCase() === first.toLowerCase()) &&
    parts.length === 1
  ) {
    return `A file or folder ${first} already exists at this location. Please choose a different name.`;
  }
  return null;
}

/** Where a drop on a row puts things: into a folder, or beside a file (its folder). */
export function dropTarget(row: { entry: TreeEntry } | null): string {
  if (!row) return '';
  return row.entry.type === 'directory' ? row.entry.path : dirname(row.entry.path);
}

/** Whether moving `from` into folder `target` does something and is allowed (not into itself). */
export function canMove(from: string, target: string): boolean {
  if (dirname(from) === target) return false;
  return !isWithin(target, from);
}

export type TreeKeyAction =
  | { kind: 'focus'; path: string }
  | { kind: 'expand'; path: string }
  | { kind: 'collapse'; path: string }
  | { kind: 'open'; path: string }
  | { kind: 'rename'; path: string }
  | { kind: 'delete'; path: string }
  | null;

/**
 * The tree's keyboard model (WAI-ARIA tree view, as VS Code's explorer behaves): arrows move and
 * expand/collapse, Home/End jump, Enter opens a file or toggles a folder, F2 renames, Delete deletes.
 */
export function treeKeyAction(rows: readonly Row[], focused: string | null, key: string): TreeKeyAction {
  const entries = rows.filter((row): row is Extract<Row, { kind: 'entry' }> => row.kind === 'entry');
  if (entries.length === 0) return null;
  const index = focused === null ? -1 : entries.findIndex((row) => row.entry.path === focused);
  const row = entries[index];
  const first = entries[0]!;
  const last = entries.at(-1)!;
  switch (key) {
    case 'ArrowDown':
      return { kind: 'focus', path: (entries[index + 1] ?? (row ? row : first)).entry.path };
    case 'ArrowUp':
      return { kind: 'focus', path: (index > 0 ? entries[index - 1]! : row ? row : last).entry.path };
    case 'Home':
      return { kind: 'focus', path: first.entry.path };
    case 'End':
      return { kind: 'focus', path: last.entry.path };
    case 'ArrowRight':
      if (!row) return { kind: 'focus', path: first.entry.path };
      if (row.entry.type !== 'directory') return null;
      if (!row.expanded) return { kind: 'expand', path: row.entry.path };
      {
        const child = entries[index + 1];
        return child && child.parent === row.entry.path ? { kind: 'focus', path: child.entry.path } : null;
      }
    case 'ArrowLeft':
      if (!row) return null;
      if (row.entry.type === 'directory' && row.expanded) return { kind: 'collapse', path: row.entry.path };
      return row.parent ? { kind: 'focus', path: row.parent } : null;
    case 'Enter':
    case ' ':
      if (!row) return null;
      if (row.entry.type === 'directory') {
        return { kind: row.expanded ? 'collapse' : 'expand', path: row.entry.path };
      }
      return { kind: 'open', path: row.entry.path };
    case 'F2':
      return row ? { kind: 'rename', path: row.entry.path } : null;
    case 'Delete':
      return row ? { kind: 'delete', path: row.entry.path } : null;
    default:
      return null;
  }
}

/** Expanded folders survive a reload of the tab (per project), not a new browser session. */
export function loadExpanded(projectId: string, storage: Pick<Storage, 'getItem'> | undefined): Set<string> {
  try {
    const raw = storage?.getItem(`vaporform.explorer.expanded.${projectId}`);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return new Set(
      Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [],
    );
  } catch {
    return new Set();
  }
}

export function saveExpanded(
  projectId: string,
  expanded: ReadonlySet<string>,
  storage: Pick<Storage, 'setItem'> | undefined,
): void {
  try {
    storage?.setItem(`vaporform.explorer.expanded.${projectId}`, JSON.stringify([...expanded]));
  } catch {
    // Storage full or disabled: the tree simply starts collapsed next time.
  }
}

/** Renames expanded-folder keys after a move so moved folders stay open. */
export function renameExpanded(expanded: ReadonlySet<string>, from: string, to: string): Set<string> {
  return new Set(
    [...expanded].map((path) =>
      path === from || path.startsWith(`${from}/`) ? to + path.slice(from.length) : path,
    ),
  );
}

/** Every file path in the tree, depth first. */
export function filePaths(entries: readonly TreeEntry[], into: string[] = []): string[] {
  for (const entry of entries) {
    if (entry.type === 'directory') filePaths(entry.children ?? [], into);
    else into.push(entry.path);
  }
  return into;
}

/** The children names of `folder` ('' for the root), for name clash checks. */
export function childNames(entries: readonly TreeEntry[], folder: string): string[] {
  if (folder === '') return entries.map((entry) => entry.name);
  for (const entry of entries) {
    if (entry.path === folder) return (entry.children ?? []).map((child) => child.name);
    if (entry.type === 'directory' && isWithin(folder, entry.path))
      return childNames(entry.children ?? [], folder);
  }
  return [];
}
