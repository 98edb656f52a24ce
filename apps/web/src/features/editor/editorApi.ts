import { createContext, useContext } from 'react';

/**
 * What the rest of the workbench may ask of the editor area. The explorer, search and checkpoints views
 * talk to the editors only through this.
 */
export interface Editors {
  /**
   * Opens (or focuses) the file in a tab; `line`/`column` are 1-based and reveal that position. Keyboard
   * focus moves into the editor unless `preserveFocus` (a single click in the explorer keeps it there).
   */
  openFile(path: string, options?: { line?: number; column?: number; preserveFocus?: boolean }): void;
  /** A side-by-side diff of one file between a checkpoint and the current workspace (or another checkpoint). */
  openDiff(options: { path: string; from: string; to?: string; title?: string }): void;
  /** The explorer moved or renamed a file or folder: tabs under `from` follow it. */
  renamed(from: string, to: string): void;
  /** The explorer deleted a file or folder: its tabs close (unsaved ones keep their text and say so). */
  deleted(path: string): void;
  saveAll(): Promise<void>;
  /** Checks every open file against the disk now (after a checkpoint restore, say). */
  revalidate?(): void;
  activePath: string | null;
  openPaths: readonly string[];
  dirtyPaths: ReadonlySet<string>;
}

export const EditorsContext = createContext<Editors | null>(null);

export function useEditors(): Editors {
  const editors = useContext(EditorsContext);
  if (!editors) throw new Error('useEditors outside EditorsProvider');
  return editors;
}
