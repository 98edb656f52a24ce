import type { CollabFile } from '../collab';
import type { ModelHost, TextModelHandle } from './textModels';

/** What the controller keeps about an open file beyond its `FileState`. */
export interface FileRecord {
  model: TextModelHandle | null;
  /** The model version that matches the disk; null when none does (a renamed dirty file). */
  savedVersion: number | null;
  bom: boolean;
  stopListening: () => void;
  /** True while the model is changed to match the disk, which is not an edit. */
  applyingExternal: boolean;
  autosaveTimer: ReturnType<typeof setTimeout> | undefined;
  loadSeq: number;
  checkSeq: number;
  saving: Promise<boolean> | null;
  recheckAfter: boolean;
  /** The shared document the model is bound to; null when the file is saved through the files API. */
  shared: CollabFile | null;
  stopSharedListening: () => void;
  /** When the file last joined its document again after the server closed it (0: never). */
  rejoinedAt: number;
}

/**
 * The open files' records by path, and their text models. A record keeps its identity when its file is
 * renamed, so work started before the rename (a load, a save) finds it again with `pathOf`.
 */
export class FileRecords {
  private readonly byPath = new Map<string, FileRecord>();

  constructor(
    private readonly models: ModelHost,
    /** The model of the file now at `path` changed (an edit, or `applyExternal`). */
    private readonly onModelChange: (path: string, record: FileRecord) => void,
  ) {}

  get(path: string): FileRecord | undefined {
    return this.byPath.get(path);
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }

  getOrCreate(path: string): FileRecord {
    let record = this.byPath.get(path);
    if (!record) {
      record = {
        model: null,
        savedVersion: null,
        bom: false,
        stopListening: () => undefined,
        applyingExternal: false,
        autosaveTimer: undefined,
        loadSeq: 0,
        checkSeq: 0,
        saving: null,
        recheckAfter: false,
        shared: null,
        stopSharedListening: () => undefined,
        rejoinedAt: 0,
      };
      this.byPath.set(path, record);
    }
    return record;
  }

  /** Where the record is now, or null once its file closed. */
  pathOf(record: FileRecord): string | null {
    for (const [path, candidate] of this.byPath) if (candidate === record) return path;
    return null;
  }

  /** Whether `record` is still the one open at `path`: async work checks this before it applies a result. */
  isCurrent(path: string, record: FileRecord): boolean {
    return this.byPath.get(path) === record;
  }

  move(from: string, to: string): FileRecord | undefined {
    const record = this.byPath.get(from);
    if (!record) return undefined;
    this.byPath.delete(from);
    this.byPath.set(to, record);
    return record;
  }

  /** Gives the record a new file model with `text` at `path`, the saved state when `clean`. */
  openModel(record: FileRecord, path: string, text: string, clean = true): TextModelHandle {
    this.detach(record);
    const model = this.models.createFileModel(path, text);
    record.model = model;
    record.savedVersion = clean ? model.version() : null;
    record.stopListening = model.onDidChange(() => {
      const current = this.pathOf(record);
      if (current !== null) this.onModelChange(current, record);
    });
    return model;
  }

  /** Gives the record a model bound to `file`, its shared document; the record now owns `file`. */
  openSharedModel(record: FileRecord, path: string, file: CollabFile): TextModelHandle {
    this.detach(record);
    const model = this.models.createSharedModel(path, file);
    record.model = model;
    record.shared = file;
    record.savedVersion = null;
    return model;
  }

  detach(record: FileRecord): void {
    record.stopListening();
    record.stopListening = () => undefined;
    record.stopSharedListening();
    record.stopSharedListening = () => undefined;
    // The binding goes with the model, then the document is left.
    record.model?.dispose();
    record.model = null;
    record.shared?.dispose();
    record.shared = null;
  }

  /** Makes a clean model match the disk without touching its undo history or cursors beyond the change. */
  applyExternal(record: FileRecord, text: string): void {
    if (!record.model) return;
    record.applyingExternal = true;
    try {
      if (record.model.getText() !== text) record.model.replaceText(text);
      record.savedVersion = record.model.version();
    } finally {
      record.applyingExternal = false;
    }
  }

  drop(path: string): void {
    const record = this.byPath.get(path);
    if (!record) return;
    clearTimeout(record.autosaveTimer);
    this.detach(record);
    this.byPath.delete(path);
  }

  dropAll(): void {
    for (const path of this.paths()) this.drop(path);
  }
}
