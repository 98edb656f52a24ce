import { collabDocumentName, type VaporformEvents } from '@vaporform/contracts';
import type * as Y from 'yjs';
import type { EventBus } from '../../platform/events/EventBus.js';
import type { AppError } from '../../platform/errors/AppError.js';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';
import { BridgedFile } from './bridgedFile.js';
import type { FileAccess } from './readDocumentText.js';

export interface DocumentBridgeOptions {
  files: FileAccess;
  events: EventBus;
  /** Keeps the project's workspace watched while held, so changes by anyone arrive as `file.changed`. */
  watchProject(projectId: string): Promise<Disposable>;
  maxDocumentBytes: number;
  saveDelayMs: number;
  maxSaveDelayMs: number;
  /** The document's file went away or stopped being co-editable: close the document's connections. */
  onGone(documentName: string, reason: AppError): void;
  onSaved(documentName: string): void;
  onError(error: unknown, context: { documentName: string }): void;
}

interface Open {
  projectId: string;
  path: string;
  file: BridgedFile;
  watch: Disposable;
}

/**
 * Keeps every open file's Yjs document and the file on disk in step (see BridgedFile): loads documents from
 * disk, saves them back debounced, and merges `file.changed` from any writer into the open document.
 */
export class DocumentBridge implements Disposable {
  readonly #open = new Map<string, Open>();
  readonly #listener: Disposable;

  constructor(private readonly options: DocumentBridgeOptions) {
    this.#listener = options.events.subscribe('file.changed', (change) => this.#diskChanged(change));
  }

  /** Files with a document open (for metrics). */
  get size(): number {
    return this.#open.size;
  }

  /** Whether `name` is a file document being kept in step with its file (not gone). */
  isLive(name: string): boolean {
    const open = this.#open.get(name);
    return open !== undefined && !open.file.gone;
  }

  has(name: string): boolean {
    return this.#open.has(name);
  }

  /** Fills `document` from the file and keeps the two in step until `release`. Refusals are AppErrors. */
  async open(name: string, projectId: string, path: string, document: Y.Doc): Promise<void> {
    // Watching first: a change after this point is reported, one before it is in what is read next.
    const watch = await this.options.watchProject(projectId);
    let file: BridgedFile;
    try {
      file = await BridgedFile.open(document, {
        files: this.options.files,
        projectId,
        path,
        maxBytes: this.options.maxDocumentBytes,
        saveDelayMs: this.options.saveDelayMs,
        maxSaveDelayMs: this.options.maxSaveDelayMs,
        onGone: (reason) => this.options.onGone(name, reason),
        onSaved: () => this.options.onSaved(name),
        onError: (error) => this.options.onError(error, { documentName: name }),
      });
    } catch (error) {
      await watch.dispose();
      throw error;
    }
    // A previous document of this file that Hocuspocus has destroyed but not yet reported unloaded.
    const previous = this.#open.get(name);
    if (previous) await this.#close(name, previous);
    this.#open.set(name, { projectId, path, file, watch });
  }

  /** Writes the document's pending edits; false if some could not be written (they stay pending). */
  async flush(name: string): Promise<boolean> {
    const open = this.#open.get(name);
    if (!open) return true;
    await open.file.flush();
    return !open.file.dirty;
  }

  async flushAll(): Promise<void> {
    await Promise.all([...this.#open.values()].map((open) => open.file.flush()));
  }

  /** Lets go of the file behind a destroyed document (an open replacement of it stays). */
  async release(name: string): Promise<void> {
    const open = this.#open.get(name);
    if (open?.file.document.isDestroyed) await this.#close(name, open);
  }

  /** The project is being deleted: its documents stop saving at once (their files are going too). */
  abandonProject(projectId: string): string[] {
    const names: string[] = [];
    for (const [name, open] of this.#open) {
      if (open.projectId !== projectId) continue;
      open.file.abandon();
      names.push(name);
    }
    return names;
  }

  async dispose(): Promise<void> {
    await this.#listener.dispose();
    await this.flushAll();
    await Promise.all([...this.#open].map(([name, open]) => this.#close(name, open)));
  }

  async #close(name: string, open: Open): Promise<void> {
    if (this.#open.get(name) === open) this.#open.delete(name);
    await open.file.release();
    await Promise.resolve()
      .then(() => open.watch.dispose())
      .catch((error: unknown) => this.options.onError(error, { documentName: name }));
  }

  #diskChanged({ projectId, path, kind }: VaporformEvents['file.changed']): void {
    const exact = this.#open.get(collabDocumentName(projectId, path));
    exact?.file.diskChanged();
    if (kind === 'modified') return;
    // A folder moved or deleted reports only the folder: the files open below it must look too.
    const prefix = `${path}/`;
    for (const open of this.#open.values()) {
      if (open.projectId === projectId && open.path.startsWith(prefix)) open.file.diskChanged();
    }
  }
}
