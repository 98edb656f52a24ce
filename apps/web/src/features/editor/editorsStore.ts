import type { CollabFileStatus } from '../collab';

export type FileStatus = 'loading' | 'ready' | 'binary' | 'tooLarge' | 'missing' | 'error';

/** What the tab strip and the editor show about one open file. */
export interface FileState {
  path: string;
  status: FileStatus;
  /** The model's URI while `ready`. */
  uri: string | null;
  /** Bytes, for `binary` and `tooLarge`. */
  size: number | null;
  error: string | null;
  /** The version on disk the model was loaded from or last saved as. */
  etag: string | null;
  dirty: boolean;
  saving: boolean;
  /** The last save was refused because the file changed on disk since it was read. */
  conflict: boolean;
  /** Someone else changed the file while it had unsaved changes here. */
  changedOnDisk: boolean;
  deletedOnDisk: boolean;
  /**
   * Null for a file edited through the files API; otherwise its model is bound to the file's shared
   * document, which the server saves: such a file is never dirty, and this says whether every local
   * change reached the server.
   */
  shared: CollabFileStatus | null;
  /** The server joined this person to the shared document read-only. */
  readOnly: boolean;
}

export interface FileTab {
  kind: 'file';
  id: string;
  path: string;
}

export interface DiffTab {
  kind: 'diff';
  id: string;
  path: string;
  title: string;
  /** A checkpoint id, or null for "the file on disk" (comparing a save conflict). */
  from: string | null;
  /** A checkpoint id, or null for the workspace. */
  to: string | null;
  originalLabel: string;
  modifiedLabel: string;
  status: 'loading' | 'ready' | 'unavailable' | 'error';
  error: string | null;
  originalUri: string | null;
  /** Null when `live`: the right side is then the open file's own model (`files.get(path).uri`). */
  modifiedUri: string | null;
  live: boolean;
}

export type Tab = FileTab | DiffTab;

export interface Reveal {
  path: string;
  line?: number;
  column?: number;
  /** Move keyboard focus into the editor. */
  focus: boolean;
  seq: number;
}

export interface EditorsSnapshot {
  tabs: readonly Tab[];
  activeId: string | null;
  files: ReadonlyMap<string, FileState>;
  /** Where to put the cursor once the file is showing; consumed by the editor area. */
  reveal: Reveal | null;
  /** A tab with unsaved changes waiting for save / don't save / cancel. */
  pendingClose: string | null;
  canWrite: boolean;
}

/** A file just opened, before its content arrived. */
export function loadingFile(path: string): FileState {
  return {
    path,
    status: 'loading',
    uri: null,
    size: null,
    error: null,
    etag: null,
    dirty: false,
    saving: false,
    conflict: false,
    changedOnDisk: false,
    deletedOnDisk: false,
    shared: null,
    readOnly: false,
  };
}

export function activeTabOf(snapshot: EditorsSnapshot): Tab | null {
  return snapshot.tabs.find((tab) => tab.id === snapshot.activeId) ?? null;
}

/**
 * The immutable snapshot React reads through `subscribe`/`getSnapshot`; every change replaces it, so a
 * component re-renders exactly when something it was given changed.
 */
export class EditorsStore {
  private snapshot: EditorsSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(canWrite: boolean) {
    this.snapshot = {
      tabs: [],
      activeId: null,
      files: new Map(),
      reveal: null,
      pendingClose: null,
      canWrite,
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): EditorsSnapshot => this.snapshot;

  set(change: Partial<EditorsSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of [...this.listeners]) listener();
  }

  /** Skips the update (and the re-render) when nothing would change. */
  updateFile(path: string, change: Partial<FileState>): void {
    const current = this.snapshot.files.get(path);
    if (!current) return;
    const next = { ...current, ...change };
    if ((Object.keys(change) as (keyof FileState)[]).every((key) => current[key] === next[key])) return;
    this.setFile(path, next);
  }

  setFile(path: string, state: FileState): void {
    const files = new Map(this.snapshot.files);
    files.set(path, state);
    this.set({ files });
  }

  deleteFile(path: string): void {
    const files = new Map(this.snapshot.files);
    files.delete(path);
    this.set({ files });
  }

  file(path: string): FileState | undefined {
    return this.snapshot.files.get(path);
  }

  isDirty(path: string): boolean {
    return this.snapshot.files.get(path)?.dirty ?? false;
  }

  dirtyPaths(): string[] {
    return [...this.snapshot.files.values()].filter((file) => file.dirty).map((file) => file.path);
  }

  tab(id: string | null): Tab | undefined {
    return this.snapshot.tabs.find((tab) => tab.id === id);
  }

  hasTab(id: string): boolean {
    return this.snapshot.tabs.some((tab) => tab.id === id);
  }

  activeTab(): Tab | null {
    return activeTabOf(this.snapshot);
  }
}
