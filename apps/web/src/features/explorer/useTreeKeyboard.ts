import type { TreeEntry } from '@vaporform/contracts';
import type { KeyboardEvent, RefObject } from 'react';
import { treeKeyAction } from './treeModel';
import type { TreeActions } from './useTreeActions';
import type { TreeState } from './useTreeState';

export interface MenuRequest {
  x: number;
  y: number;
  /** Null for the empty space of the tree. */
  entry: TreeEntry | null;
}

/** The tree's keydown handler: `treeKeyAction`'s moves, plus the context menu key (or Shift+F10). */
export function useTreeKeyboard({
  tree,
  actions,
  canWrite,
  treeRef,
  openFile,
  openMenu,
}: {
  tree: TreeState;
  actions: TreeActions;
  canWrite: boolean;
  treeRef: RefObject<HTMLElement | null>;
  openFile: (path: string) => void;
  openMenu: (menu: MenuRequest) => void;
}) {
  return (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.target as HTMLElement).tagName === 'INPUT') return;
    if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      const element = tree.selected ? tree.rowElement(tree.selected) : null;
      const box = (element ?? treeRef.current)?.getBoundingClientRect();
      if (box) openMenu({ x: box.left + 24, y: box.bottom, entry: tree.selectedRow?.entry ?? null });
      event.preventDefault();
      return;
    }
    const action = treeKeyAction(tree.rows, tree.selected, event.key);
    if (!action) return;
    event.preventDefault();
    switch (action.kind) {
      case 'focus':
        tree.select(action.path);
        break;
      case 'expand':
        tree.toggle(action.path, true);
        break;
      case 'collapse':
        tree.toggle(action.path, false);
        break;
      case 'open':
        openFile(action.path);
        break;
      case 'rename':
        if (canWrite) tree.setRenaming(action.path);
        break;
      case 'delete': {
        const entry = tree.entryRows.get(action.path)?.entry;
        if (canWrite && entry) actions.setDeleting(entry);
        break;
      }
    }
  };
}
