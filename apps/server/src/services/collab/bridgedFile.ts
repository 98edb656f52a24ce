import { setTimeout as sleep } from 'node:timers/promises';
import { collabTextField } from '@vaporform/contracts';
import * as Y from 'yjs';
import { AppError, isAppError } from '../../platform/errors/AppError.js';
import { applyTextDiff } from './applyTextDiff.js';
import { readDocumentText, type DiskText, type FileAccess } from './readDocumentText.js';
import { stampLoad } from './staleCopyGuard.js';

/** The transaction origin of changes that came from the disk: they are never written back. */
export const diskOrigin = Object.freeze({ source: 'vaporform:disk' });

export interface BridgedFileOptions {
  files: FileAccess;
  projectId: string;
  path: string;
  maxBytes: number;
  /** Quiet time after the last change before it is written. */
  saveDelayMs: number;
  /** Longest a change waits while changes keep coming (the bound a crash can lose). */
  maxSaveDelayMs: number;
  /** The file went away or stopped being co-editable text; its document must close. */
  onGone(reason: AppError): void;
  /** A save landed (a document kept only for an unsaved change may now be let go). */
  onSaved(): void;
  onError(error: unknown): void;
}

/** What the disk held when the document and the file last agreed, and the document state of that moment. */
interface Base extends DiskText {
  state: Uint8Array;
}

const retryMs = 1_000;
const maxConflictRounds = 3;
// Tools replace files by delete-then-create (git checkout, some editors): only a file still missing a moment
// later counts as deleted.
const deleteGraceMs = 150;
const leavingCodes = new Set(['payload_too_large', 'unsupported_media_type', 'bad_request', 'forbidden']);

/**
 * One open file's Yjs document kept in step with the file on disk, which stays the truth the container sees.
 * Edits are written debounced (≤ `maxSaveDelayMs`), atomically and only if the file is still what the
 * document last saw (If-Match); a change on disk is merged in as the edit that turns the last agreed text into
 * the new one, made from the last agreed state — so it lands as a concurrent edit and keystrokes made since
 * survive it. Saves and merges run one at a time.
 */
export class BridgedFile {
  readonly text: Y.Text;
  #base: Base;
  #dirty = false;
  #firstPendingAt: number | null = null;
  #timer: NodeJS.Timeout | null = null;
  #queue: Promise<void> = Promise.resolve();
  #mergeQueued = false;
  #gone = false;
  #released = false;
  readonly #onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (origin === diskOrigin || this.#gone) return;
    this.#dirty = true;
    this.#schedule(this.options.saveDelayMs);
  };

  private constructor(
    readonly document: Y.Doc,
    private readonly options: BridgedFileOptions,
    disk: DiskText,
  ) {
    this.text = document.getText(collabTextField);
    document.transact(() => {
      this.text.insert(0, disk.text);
      stampLoad(document);
    }, diskOrigin);
    this.#base = { ...disk, state: Y.encodeStateAsUpdate(document) };
    document.on('update', this.#onUpdate);
  }

  /** Fills `document` with the file's text; refuses files that cannot be co-edited (AppError). */
  static async open(document: Y.Doc, options: BridgedFileOptions): Promise<BridgedFile> {
    const disk = await readDocumentText(options.files, options.projectId, options.path, options.maxBytes);
    return new BridgedFile(document, options, disk);
  }

  /** Edits not yet on disk. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** The file left the disk (or stopped being text): the document no longer saves. */
  get gone(): boolean {
    return this.#gone;
  }

  /** Writes pending edits now, after any save or merge under way; `dirty` tells whether it worked. */
  flush(): Promise<void> {
    return this.#enqueue(() => this.#save());
  }

  /** The file changed on disk (any writer: ours too, which the merge recognises and skips). */
  diskChanged(): void {
    if (this.#mergeQueued || this.#gone) return;
    this.#mergeQueued = true;
    void this.#enqueue(() => this.#merge());
  }

  /** Stops saving without writing (the project is being deleted). */
  abandon(): void {
    this.#gone = true;
    this.#dirty = false;
    this.#clearTimer();
  }

  /** Stops observing the document; waits for the save or merge under way. */
  async release(): Promise<void> {
    this.#released = true;
    this.#clearTimer();
    this.document.off('update', this.#onUpdate);
    await this.#queue;
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task).catch((error: unknown) => this.options.onError(error));
    this.#queue = run;
    return run;
  }

  #schedule(delayMs: number): void {
    if (this.#released || this.#gone) return;
    const now = Date.now();
    this.#firstPendingAt ??= now;
    const due = Math.min(now + delayMs, this.#firstPendingAt + this.options.maxSaveDelayMs);
    this.#clearTimer();
    this.#timer = setTimeout(() => void this.flush(), Math.max(0, due - now));
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #save(): Promise<void> {
    this.#clearTimer();
    for (let round = 0; this.#dirty && !this.#gone; round++) {
      const text = this.text.toJSON();
      const base = this.#base;
      this.#dirty = false;
      this.#firstPendingAt = null;
      if (text === base.text) return;
      const content = Buffer.from(text, 'utf8');
      if (content.length > this.options.maxBytes) {
        this.#leave(
          new AppError(
            'payload_too_large',
            `'${this.options.path}' grew past ${this.options.maxBytes} bytes; the last edits were not saved`,
          ),
        );
        return;
      }
      // Captured with the text, so the base always pairs a text with the document state that produced it.
      const state = Y.encodeStateAsUpdate(this.document);
      try {
        const written = await this.options.files.write(this.options.projectId, this.options.path, content, {
          ifMatch: base.etag,
        });
        this.#base = { text, etag: written.etag, state };
        this.options.onSaved();
        continue; // edits made during the write go out now, not after another delay
      } catch (error) {
        this.#dirty = true;
        // Someone wrote the file since the document last saw it: take their change in, then save the union.
        if (isAppError(error) && error.code === 'conflict' && round < maxConflictRounds) {
          await this.#merge();
          continue;
        }
        this.options.onError(error);
        this.#schedule(retryMs);
        return;
      }
    }
  }

  async #merge(): Promise<void> {
    this.#mergeQueued = false;
    if (this.#gone) return;
    let disk: DiskText;
    try {
      disk = await this.#readSettled();
    } catch (error) {
      if (isAppError(error) && error.code === 'not_found') {
        this.#leave(new AppError('not_found', `'${this.options.path}' was deleted or moved`));
      } else if (isAppError(error) && leavingCodes.has(error.code)) this.#leave(error);
      else this.options.onError(error);
      return;
    }
    const base = this.#base;
    if (disk.text === base.text) return; // our own write coming back, or nothing that matters changed
    // The disk's change, made by a peer that saw exactly the base: Yjs merges it with whatever the document
    // did since, as it would any concurrent edit.
    const peer = new Y.Doc();
    try {
      Y.applyUpdate(peer, base.state);
      const before = Y.encodeStateVector(peer);
      peer.transact(() => applyTextDiff(peer.getText(collabTextField), base.text, disk.text));
      const change = Y.encodeStateAsUpdate(peer, before);
      this.#base = { ...disk, state: Y.encodeStateAsUpdate(peer) };
      Y.applyUpdate(this.document, change, diskOrigin);
    } finally {
      peer.destroy();
    }
    const merged = this.text.toJSON();
    this.#dirty = merged !== disk.text;
    if (this.#dirty) this.#schedule(this.options.saveDelayMs);
    else {
      this.#firstPendingAt = null;
      this.#clearTimer();
    }
  }

  async #readSettled(): Promise<DiskText> {
    const read = () =>
      readDocumentText(this.options.files, this.options.projectId, this.options.path, this.options.maxBytes);
    try {
      return await read();
    } catch (error) {
      if (!isAppError(error) || error.code !== 'not_found') throw error;
      await sleep(deleteGraceMs);
      return read();
    }
  }

  #leave(reason: AppError): void {
    if (this.#gone) return;
    this.abandon();
    this.options.onGone(reason);
  }
}
