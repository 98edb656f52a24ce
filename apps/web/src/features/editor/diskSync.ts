import type { CollabFile, CollabFiles } from '../collab';
import { describeError } from '../../platform/ApiError';
import type { EditorsStore } from './editorsStore';
import { maxForcedBytes, type FileAccess, type ReadResult } from './fileAccess';
import type { FileRecord, FileRecords } from './fileRecords';
import { within } from './paths';

type TextResult = Extract<ReadResult, { kind: 'text' }>;

const rejoinIntervalMs = 5000;

/** What a `file.changed` event says happened; absent when only "something under this path changed". */
export type ChangeKind = 'created' | 'modified' | 'deleted' | 'renamed';

/**
 * Reading open files and following changes made elsewhere: load, revalidate against the disk, revert. A
 * text file joins its shared document when co-editing is available; the server then keeps document and
 * disk in step, so such a file is only ever checked for still existing.
 */
export class DiskSync {
  constructor(
    private readonly store: EditorsStore,
    private readonly records: FileRecords,
    private readonly files: FileAccess,
    private readonly onError: (error: unknown) => void,
    private collab: CollabFiles | null = null,
  ) {}

  /** Files opened from now on join their shared documents through `collab` (null: the files API only). */
  setCollab(collab: CollabFiles | null): void {
    this.collab = collab;
  }

  /**
   * (Re)reads a file that has no model yet: first open, retry, or "open anyway" for a big one. The read
   * says whether it is text at all (a binary or huge file never joins a document); a text file is then
   * bound to its shared document, or shown from the read when co-editing is unavailable.
   */
  async load(path: string, options: { force?: boolean } = {}): Promise<void> {
    const record = this.records.getOrCreate(path);
    if (record.model) return;
    const seq = ++record.loadSeq;
    this.store.updateFile(path, { status: 'loading', error: null });
    let result: ReadResult;
    try {
      result = await this.files.read(path, options.force ? { limit: maxForcedBytes } : {});
    } catch (error) {
      if (this.records.isCurrent(path, record) && record.loadSeq === seq) {
        this.store.updateFile(path, { status: 'error', error: describeError(error) });
      }
      return;
    }
    if (!this.records.isCurrent(path, record) || record.loadSeq !== seq || record.model) return;
    if (result.kind === 'text' && this.collab) {
      const shared = await this.collab.open(path);
      if (!this.records.isCurrent(path, record) || record.loadSeq !== seq || record.model) {
        shared?.dispose();
        return;
      }
      if (shared) {
        this.showShared(path, record, shared, result.etag);
        return;
      }
    }
    this.show(path, record, result);
    this.recheck(record);
  }

  private showShared(path: string, record: FileRecord, shared: CollabFile, etag: string | null): void {
    const model = this.records.openSharedModel(record, path, shared);
    record.recheckAfter = false;
    record.stopSharedListening = shared.onChange(() => {
      const current = this.records.pathOf(record);
      if (current === null || record.shared !== shared) return;
      this.store.updateFile(current, { shared: shared.status, readOnly: shared.readOnly });
      // After the provider's own handlers, not from inside its event.
      if (shared.closed) queueMicrotask(() => this.rejoin(shared, record));
    });
    this.store.updateFile(path, {
      status: 'ready',
      uri: model.uri,
      etag,
      dirty: false,
      conflict: false,
      deletedOnDisk: false,
      changedOnDisk: false,
      shared: shared.status,
      readOnly: shared.readOnly,
    });
  }

  /** Checks the file again if a change on disk was reported while it was loading or saving. */
  recheck(record: FileRecord): void {
    if (!record.recheckAfter) return;
    record.recheckAfter = false;
    const path = this.records.pathOf(record);
    if (path !== null) void this.revalidate(path);
  }

  private show(path: string, record: FileRecord, result: ReadResult): void {
    switch (result.kind) {
      case 'text': {
        const model = this.records.openModel(record, path, result.text);
        record.bom = result.bom;
        this.store.updateFile(path, {
          status: 'ready',
          uri: model.uri,
          etag: result.etag,
          dirty: false,
          deletedOnDisk: false,
          changedOnDisk: false,
        });
        break;
      }
      case 'binary':
      case 'tooLarge':
        this.store.updateFile(path, {
          status: result.kind,
          size: Number.isNaN(result.size) ? null : result.size,
        });
        break;
      case 'missing':
      case 'notModified':
        this.store.updateFile(path, { status: 'missing' });
        break;
    }
  }

  /** The disk's text replaces the model's, and the file is in sync again. */
  private takeDiskText(path: string, record: FileRecord, result: TextResult): void {
    this.records.applyExternal(record, result.text);
    record.bom = result.bom;
    this.store.updateFile(path, {
      etag: result.etag,
      dirty: false,
      conflict: false,
      changedOnDisk: false,
      deletedOnDisk: false,
    });
  }

  /**
   * The server closed the file's document (access changed, or it reloaded the file from disk and refuses
   * this copy): open the file again, which joins a fresh copy with the access the person has now. Edits the
   * server had not acknowledged on the closed copy are gone — it refused them. Not more than every few
   * seconds, so a server that keeps closing leaves the file read-only and offline instead of looping.
   */
  private rejoin(shared: CollabFile, record: FileRecord): void {
    const path = this.records.pathOf(record);
    if (path === null || record.shared !== shared) return;
    const now = Date.now();
    if (now - record.rejoinedAt < rejoinIntervalMs) return;
    record.rejoinedAt = now;
    this.records.detach(record);
    this.store.updateFile(path, { status: 'loading', uri: null, shared: null, readOnly: false });
    void this.load(path);
  }

  /**
   * A `file.changed` event (or the explorer) says `path` (a file or a folder) changed on disk. A shared
   * file's content changes arrive through its document (the server merges them in), so only a change
   * that may have removed or recreated it is checked.
   */
  fileChanged(path: string, kind?: ChangeKind): void {
    for (const open of this.records.paths()) {
      if (!within(open, path)) continue;
      if (this.records.get(open)?.shared && kind === 'modified') continue;
      void this.revalidate(open);
    }
  }

  /** After a reconnect or a restore: check every open file against the disk. */
  revalidateAll(): void {
    for (const path of this.records.paths()) void this.revalidate(path);
  }

  /**
   * Compares an open file with the disk (`If-None-Match`): a clean model takes the new content with
   * minimal edits, a dirty one is marked changed on disk; a vanished file is marked deleted.
   */
  async revalidate(path: string): Promise<void> {
    const record = this.records.get(path);
    const state = this.store.file(path);
    if (!record || !state) return;
    if (state.status === 'loading' || record.saving) {
      record.recheckAfter = true;
      return;
    }
    if (!record.model) {
      await this.load(path);
      return;
    }
    if (record.shared) {
      await this.checkExists(path, record);
      return;
    }
    const seq = ++record.checkSeq;
    let result: ReadResult;
    try {
      result = await this.files.read(path, { etag: state.deletedOnDisk ? null : state.etag });
    } catch {
      return; // Offline for a moment: the next event or reconnect checks again.
    }
    if (!this.records.isCurrent(path, record) || record.checkSeq !== seq) return;
    if (record.saving) {
      record.recheckAfter = true;
      return;
    }
    const current = this.store.file(path)!;
    if (
      result.kind === 'notModified' ||
      (result.kind === 'text' && result.etag && result.etag === current.etag)
    ) {
      this.store.updateFile(path, { deletedOnDisk: false, changedOnDisk: false });
    } else if (result.kind === 'missing') {
      this.store.updateFile(path, { deletedOnDisk: true, changedOnDisk: false });
    } else if (current.dirty) {
      this.store.updateFile(path, { changedOnDisk: true, deletedOnDisk: false });
    } else if (result.kind === 'text') {
      this.takeDiskText(path, record, result);
    } else {
      // Became binary or too big: show that instead of a stale model.
      this.records.detach(record);
      this.store.updateFile(path, {
        uri: null,
        etag: null,
        dirty: false,
        deletedOnDisk: false,
        changedOnDisk: false,
      });
      this.show(path, record, result);
    }
  }

  /** A shared file: the document is the content; only whether the file is still there is news. */
  private async checkExists(path: string, record: FileRecord): Promise<void> {
    const seq = ++record.checkSeq;
    let result: ReadResult;
    try {
      result = await this.files.read(path, { etag: this.store.file(path)?.etag ?? null });
    } catch {
      return;
    }
    if (!this.records.isCurrent(path, record) || record.checkSeq !== seq || !record.shared) return;
    if (result.kind === 'missing') this.store.updateFile(path, { deletedOnDisk: true });
    else if (result.kind === 'text') this.store.updateFile(path, { deletedOnDisk: false, etag: result.etag });
    else this.store.updateFile(path, { deletedOnDisk: false });
  }

  /** "Reload theirs" / Revert File: the disk version replaces unsaved changes (undo still has them). */
  async revert(path: string): Promise<void> {
    const record = this.records.get(path);
    // A shared file has nothing unsaved to revert: the server writes the document to disk.
    if (!record?.model || record.shared) return;
    let result: ReadResult;
    try {
      result = await this.files.read(path);
    } catch (error) {
      this.onError(error);
      return;
    }
    if (!this.records.isCurrent(path, record) || !record.model) return;
    if (result.kind === 'text') {
      this.takeDiskText(path, record, result);
    } else if (result.kind === 'missing') {
      this.store.updateFile(path, { deletedOnDisk: true, conflict: false, changedOnDisk: false });
    } else {
      this.onError(new Error(`'${path}' is no longer a text file the editor can show.`));
    }
  }

  /** Keep my changes for now; the next save will ask again (it fails with a conflict). */
  dismissChangedOnDisk(path: string): void {
    this.store.updateFile(path, { changedOnDisk: false });
  }
}
