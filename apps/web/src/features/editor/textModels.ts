/** One editor text model, as the editors controller needs it; Monaco's in the app, a string in tests. */
export interface TextModelHandle {
  /** The model's URI, e.g. `file:///src/app.ts`. */
  readonly uri: string;
  getText(): string;
  /** Makes the content `text` with minimal edits, so cursors, folding and undo history survive. */
  replaceText(text: string): void;
  /** Equal values mean equal content: undoing back to a saved state returns its version (Monaco's alternative version id). */
  version(): number;
  onDidChange(listener: () => void): () => void;
  /** Releases the model; Monaco's is released after the current task, once no editor shows it. */
  dispose(): void;
}

import type { CollabFile } from '../collab';

export interface ModelHost {
  /** The model of a workspace file, at `file:///<path>` so language services see the project's files. */
  createFileModel(path: string, text: string): TextModelHandle;
  /** A throwaway model for one side of a diff; its language follows `path`. */
  createSnapshotModel(path: string, text: string): TextModelHandle;
  /**
   * The model of a workspace file bound to its shared document: it starts with the document's text, and
   * local and remote edits flow both ways (with cursors) until the handle is disposed.
   */
  createSharedModel(path: string, file: CollabFile): TextModelHandle;
}
