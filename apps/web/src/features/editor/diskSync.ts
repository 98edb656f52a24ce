import { describeError } from '../../platform/ApiError';
import type { EditorsStore } from './editorsStore';
import { maxForcedBytes, type FileAccess, type ReadResult } from './fileAccess';
import type { FileRecord, FileRecords } from './fileRecords';
import { within } from './paths';

type TextResult = Extract<ReadResult, { kind: 'text' }>;

/** Reading open files and following changes made elsewhere: load, revalidate against the disk, revert. */
export class DiskSync {
  constructor(
    private readonly store: EditorsStore,
    private readonly records: FileRecords,
    private readonly files: FileAccess,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** (Re)reads a file that has no model yet: first open, retry, or "open anyway" for a big one. */
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
    this.show(path, record, result);
    this.recheck(record);
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

  /** A `file.changed` event (or the explorer) says `path` (a file or a folder) changed on disk. */
  fileChanged(path: string): void {
    for (const open of this.records.paths()) if (within(open, path)) void this.revalidate(open);
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

  /** "Reload theirs" / Revert File: the disk version replaces unsaved changes (undo still has them). */
  async revert(path: string): Promise<void> {
    const record = this.records.get(path);
    if (!record?.model) return;
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
