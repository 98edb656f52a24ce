import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { CollabFileStatus } from './collabAvailability';

/**
 * An open file's shared document, as the editors need it: the text to bind the editor model to, the
 * awareness that carries cursors, whether the server lets this user edit, and how far the local changes
 * got. Yjs and Hocuspocus in the app (`HocuspocusCollabFile`), a plain Y.Doc in tests.
 */
export interface CollabFile {
  readonly text: Y.Text;
  readonly awareness: Awareness;
  /** The server joined this user read-only (a `read` member). */
  readonly readOnly: boolean;
  readonly status: CollabFileStatus;
  /**
   * The server closed this document while the socket stayed up: this person's access changed, or the
   * server reloaded the file from disk and refuses edits made on this copy. Leave it and open the file again.
   */
  readonly closed: boolean;
  /** `readOnly`, `status` or `closed` changed. */
  onChange(listener: () => void): () => void;
  /** Leaves the document (the server flushes it to disk when its last editor leaves). */
  dispose(): void;
}

/** Where the editors get shared documents; one per project. */
export interface CollabFiles {
  /**
   * Joins the document of the workspace file `path` and resolves once it is synced; null when co-editing
   * is unavailable (no `/collab`, a refused or slow document), and the caller uses the files API instead.
   */
  open(path: string): Promise<CollabFile | null>;
}

/** The project's co-editing as the editors use it: shared documents, and the file in front of the person. */
export interface CollabSession extends CollabFiles {
  setOpenFile(path: string | null): void;
}
