import type { TreeEntry } from '@vaporform/contracts';
import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import {
  ancestors,
  loadExpanded,
  renameExpanded,
  saveExpanded,
  visibleRows,
  type PendingCreate,
  type Row,
} from './treeModel';

export type EntryRow = Extract<Row, { kind: 'entry' }>;

function sessionStore(): Storage | undefined {
  try {
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}

/**
 * What the tree shows and where the person is in it: expanded folders (kept for the browser tab's
 * session), the selection that keyboard focus follows, the inline name inputs, and the rows to draw.
 */
export function useTreeState(
  projectId: string,
  entries: readonly TreeEntry[],
  activePath: string | null,
  treeRef: RefObject<HTMLElement | null>,
) {
  const [expanded, setExpanded] = useState(() => loadExpanded(projectId, sessionStore()));
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState<PendingCreate | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const focusNext = useRef<string | null>(null);

  useEffect(() => saveExpanded(projectId, expanded, sessionStore()), [projectId, expanded]);

  const expand = (...folders: string[]) => setExpanded(new Set([...expanded, ...folders]));

  // Follow the active editor like VS Code's "auto reveal": open its folders and select it.
  const [revealed, setRevealed] = useState<string | null>(null);
  if (activePath !== revealed) {
    setRevealed(activePath);
    if (activePath) {
      const missing = ancestors(activePath).filter((folder) => !expanded.has(folder));
      if (missing.length > 0) expand(...missing);
      setSelected(activePath);
    }
  }

  const rows = useMemo(() => visibleRows(entries, expanded, creating), [entries, expanded, creating]);
  const entryRows = useMemo(
    () => new Map(rows.flatMap((row) => (row.kind === 'entry' ? [[row.entry.path, row] as const] : []))),
    [rows],
  );

  const rowElement = (path: string) =>
    treeRef.current?.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`) ?? null;

  // Keyboard focus follows the selection when the tree had it (never stolen from the editor).
  useEffect(() => {
    const path = focusNext.current;
    if (path === null) return;
    focusNext.current = null;
    rowElement(path)?.focus();
  });

  return {
    rows,
    entryRows,
    selected,
    selectedRow: selected ? entryRows.get(selected) : undefined,
    /** The one row in the tab order: the selection, else the first row. */
    focusable:
      selected && entryRows.has(selected)
        ? selected
        : (rows.find((row) => row.kind === 'entry')?.entry.path ?? null),
    rowElement,
    creating,
    setCreating,
    renaming,
    setRenaming,
    setSelected,
    select(path: string, focus = true) {
      setSelected(path);
      if (focus) focusNext.current = path;
    },
    toggle(path: string, open?: boolean) {
      const next = new Set(expanded);
      if (open ?? !next.has(path)) next.add(path);
      else next.delete(path);
      setExpanded(next);
    },
    expand,
    /** Moved folders stay open, and the destination is shown. */
    moved(from: string, to: string) {
      setExpanded(new Set([...renameExpanded(expanded, from, to), ...ancestors(to)]));
    },
    collapseAll: () => setExpanded(new Set()),
  };
}

export type TreeState = ReturnType<typeof useTreeState>;
