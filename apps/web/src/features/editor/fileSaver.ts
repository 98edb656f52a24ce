import { ApiError } from '../../platform/ApiError';
import type { EditorsStore, FileState } from './editorsStore';
import type { FileAccess, WriteOptions } from './fileAccess';
import type { FileRecord, FileRecords } from './fileRecords';

/** Saving with `If-Match`, conflicts, and autosave. */
export interface FileSaverOptions {
  files: FileAccess;
  onError(error: unknown): void;
  autosave: boolean;
  autosaveDelayMs: number;
  /** A change on disk may have arrived during the save; it is checked once the save settled. */
  recheck(record: FileRecord): void;
}

/** Saving with `If-Match`, conflicts, dirty tracking and autosave. */
export class FileSaver {
  private autosave: boolean;

  constructor(
    private readonly store: EditorsStore,
    private readonly records: FileRecords,
    private readonly options: FileSaverOptions,
  ) {
    this.autosave = options.autosave;
  }

  /** An edit, or the disk's text applied: the file is dirty unless back at the saved version. */
  modelChanged(path: string, record: FileRecord): void {
    // A shared file is saved by the server (within 300 ms): it is never dirty here, and never autosaved.
    if (record.shared) return;
    this.store.updateFile(path, { dirty: record.model?.version() !== record.savedVersion });
    if (!record.applyingExternal) this.scheduleAutosave(path);
  }

  setAutosave(enabled: boolean): void {
    this.autosave = enabled;
    for (const path of this.records.paths()) {
      if (enabled) this.scheduleAutosave(path);
      else clearTimeout(this.records.get(path)?.autosaveTimer);
    }
  }

  scheduleAutosave(path: string): void {
    const record = this.records.get(path);
    if (!record) return;
    clearTimeout(record.autosaveTimer);
    if (record.shared) return;
    const state = this.store.file(path);
    if (!this.autosave || !this.store.getSnapshot().canWrite || !state?.dirty) return;
    if (needsDecision(state)) return;
    record.autosaveTimer = setTimeout(() => {
      const target = this.records.pathOf(record);
      if (target !== null && this.store.isDirty(target)) void this.save(target, { auto: true });
    }, this.options.autosaveDelayMs);
  }

  /**
   * Writes the model with `If-Match: <etag>` (or `If-None-Match: *` to recreate a deleted file). A 409
   * marks the file `conflict` for the person to choose overwrite, reload or compare; `overwrite` writes
   * without a precondition. Resolves whether the text was saved.
   */
  async save(path: string, options: { overwrite?: boolean; auto?: boolean } = {}): Promise<boolean> {
    const record = this.records.get(path);
    if (!record?.model || !this.store.getSnapshot().canWrite) return false;
    // Ctrl+S on a shared file only confirms: its document is the content and the server writes it.
    if (record.shared) return true;
    if (record.saving) {
      await record.saving;
      const again = this.records.pathOf(record);
      if (again === null) return false;
      return this.store.isDirty(again) ? this.save(again, options) : true;
    }
    const state = this.store.file(path);
    if (!state || state.status !== 'ready') return false;
    if (options.auto && needsDecision(state)) return false;
    clearTimeout(record.autosaveTimer);
    const text = record.model.getText();
    const version = record.model.version();
    this.store.updateFile(path, { saving: true });
    record.saving = this.write(path, record, text, version, preconditions(state, options.overwrite));
    const saved = await record.saving;
    record.saving = null;
    this.options.recheck(record);
    return saved;
  }

  private async write(
    path: string,
    record: FileRecord,
    text: string,
    version: number,
    options: WriteOptions,
  ): Promise<boolean> {
    try {
      const { etag } = await this.options.files.write(path, text, { ...options, bom: record.bom });
      record.savedVersion = version;
      const current = this.records.pathOf(record);
      if (current !== null) {
        this.store.updateFile(current, {
          etag,
          saving: false,
          conflict: false,
          changedOnDisk: false,
          deletedOnDisk: false,
          dirty: record.model?.version() !== version,
        });
      }
      return true;
    } catch (error) {
      const current = this.records.pathOf(record);
      if (current !== null) {
        const conflict = error instanceof ApiError && error.code === 'conflict';
        this.store.updateFile(current, { saving: false, ...(conflict ? { conflict: true } : {}) });
        if (!conflict) this.options.onError(error);
      }
      return false;
    }
  }

  async saveAll(): Promise<void> {
    await Promise.all(this.store.dirtyPaths().map((path) => this.save(path)));
  }
}

/** A conflict or a deletion needs a person's decision; autosave would only repeat the failure. */
function needsDecision(state: FileState): boolean {
  return state.conflict || state.deletedOnDisk;
}

function preconditions(state: FileState, overwrite = false): WriteOptions {
  if (overwrite) return {};
  if (state.deletedOnDisk) return { ifNoneMatch: '*' };
  return state.etag ? { ifMatch: state.etag } : {};
}
