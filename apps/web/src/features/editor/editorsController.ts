import { ApiError, describeError } from '../../platform/ApiError';
import type { FileAccess, ReadResult } from './fileAccess';
import { basename } from './language';
import type { ModelHost, TextModelHandle } from './textModels';

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

export type CloseChoice = 'save' | 'discard' | 'cancel';

interface FileRecord {
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
}

export interface EditorsControllerOptions {
  files: FileAccess;
  models: ModelHost;
  onError(error: unknown): void;
  canWrite?: boolean;
  autosave?: boolean;
  autosaveDelayMs?: number;
}

export const fileTabId = (path: string) => `file:${path}`;
export const diffTabId = (path: string, from: string | null, to: string | null) =>
  `diff:${from ?? 'disk'}:${to ?? 'workspace'}:${path}`;
const shortId = (id: string) => id.slice(0, 7);
/** Files above this open only when asked ("Open anyway"); the server's own limit is 10 MiB. */
const forcedLimit = 10 * 1024 * 1024;

function within(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

/**
 * The open editors of one project: tabs, one text model per open file, saving with `If-Match`, conflicts,
 * autosave and following changes made elsewhere. React reads it through `subscribe`/`getSnapshot`; Monaco
 * stays behind `ModelHost`, so all of this runs in tests without a browser.
 */
export class EditorsController {
  private snapshot: EditorsSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly records = new Map<string, FileRecord>();
  private readonly diffModels = new Map<string, TextModelHandle[]>();
  private history: string[] = [];
  private revealSeq = 0;
  private autosave: boolean;
  private readonly autosaveDelayMs: number;

  constructor(private readonly options: EditorsControllerOptions) {
    this.autosave = options.autosave ?? false;
    this.autosaveDelayMs = options.autosaveDelayMs ?? 1000;
    this.snapshot = {
      tabs: [],
      activeId: null,
      files: new Map(),
      reveal: null,
      pendingClose: null,
      canWrite: options.canWrite ?? true,
    };
  }

  // ── store ──────────────────────────────────────────────────────────────────────────────────────────

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): EditorsSnapshot => this.snapshot;

  private set(change: Partial<EditorsSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of [...this.listeners]) listener();
  }

  private updateFile(path: string, change: Partial<FileState>): void {
    const current = this.snapshot.files.get(path);
    if (!current) return;
    const next = { ...current, ...change };
    if ((Object.keys(change) as (keyof FileState)[]).every((key) => current[key] === next[key])) return;
    const files = new Map(this.snapshot.files);
    files.set(path, next);
    this.set({ files });
  }

  file(path: string): FileState | undefined {
    return this.snapshot.files.get(path);
  }

  activeTab(): Tab | null {
    return this.snapshot.tabs.find((tab) => tab.id === this.snapshot.activeId) ?? null;
  }

  dirtyPaths(): string[] {
    return [...this.snapshot.files.values()].filter((file) => file.dirty).map((file) => file.path);
  }

  // ── settings ───────────────────────────────────────────────────────────────────────────────────────

  setCanWrite(canWrite: boolean): void {
    if (canWrite !== this.snapshot.canWrite) this.set({ canWrite });
  }

  setAutosave(enabled: boolean): void {
    this.autosave = enabled;
    for (const path of this.records.keys()) {
      if (enabled) this.scheduleAutosave(path);
      else clearTimeout(this.records.get(path)?.autosaveTimer);
    }
  }

  // ── tabs ───────────────────────────────────────────────────────────────────────────────────────────

  openFile(path: string, options: { line?: number; column?: number; preserveFocus?: boolean } = {}): void {
    const id = fileTabId(path);
    if (!this.snapshot.tabs.some((tab) => tab.id === id)) {
      this.insertTab({ kind: 'file', id, path });
      const files = new Map(this.snapshot.files);
      files.set(path, {
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
      });
      this.set({ files });
      void this.load(path);
    }
    this.activate(id);
    this.set({
      reveal: {
        path,
        ...(options.line ? { line: options.line } : {}),
        ...(options.column ? { column: options.column } : {}),
        focus: !options.preserveFocus,
        seq: ++this.revealSeq,
      },
    });
  }

  /** The editor area applied the reveal. */
  revealed(seq: number): void {
    if (this.snapshot.reveal?.seq === seq) this.set({ reveal: null });
  }

  activate(id: string): void {
    if (!this.snapshot.tabs.some((tab) => tab.id === id)) return;
    this.history = [...this.history.filter((entry) => entry !== id), id];
    if (this.snapshot.activeId !== id) this.set({ activeId: id });
  }

  /** Ctrl+PageDown / Ctrl+PageUp. */
  cycle(step: 1 | -1): void {
    const { tabs, activeId } = this.snapshot;
    if (tabs.length === 0) return;
    const index = tabs.findIndex((tab) => tab.id === activeId);
    const next = tabs[(index + step + tabs.length) % tabs.length];
    if (next) this.activate(next.id);
  }

  private insertTab(tab: Tab): void {
    const tabs = [...this.snapshot.tabs];
    const activeIndex = tabs.findIndex((entry) => entry.id === this.snapshot.activeId);
    tabs.splice(activeIndex === -1 ? tabs.length : activeIndex + 1, 0, tab);
    this.set({ tabs });
  }

  /** Closes the tab, or asks first (`pendingClose`) when it has unsaved changes. */
  requestClose(id: string): void {
    const tab = this.snapshot.tabs.find((entry) => entry.id === id);
    if (!tab) return;
    if (tab.kind === 'file' && this.snapshot.files.get(tab.path)?.dirty) {
      this.activate(id);
      this.set({ pendingClose: id });
      return;
    }
    this.close(id);
  }

  async resolvePendingClose(choice: CloseChoice): Promise<void> {
    const id = this.snapshot.pendingClose;
    this.set({ pendingClose: null });
    const tab = this.snapshot.tabs.find((entry) => entry.id === id);
    if (!tab || choice === 'cancel') return;
    if (choice === 'save' && tab.kind === 'file' && !(await this.save(tab.path))) return;
    this.close(tab.id);
  }

  /** Closes the tab without asking. */
  close(id: string): void {
    const tab = this.snapshot.tabs.find((entry) => entry.id === id);
    if (!tab) return;
    if (tab.kind === 'file') {
      // A comparison whose right side is this file's model cannot outlive it.
      for (const other of this.snapshot.tabs) {
        if (other.kind === 'diff' && other.live && other.path === tab.path) this.close(other.id);
      }
      this.dropRecord(tab.path);
      const files = new Map(this.snapshot.files);
      files.delete(tab.path);
      this.set({ files });
    } else {
      for (const model of this.diffModels.get(id) ?? []) model.dispose();
      this.diffModels.delete(id);
    }
    this.history = this.history.filter((entry) => entry !== id);
    const tabs = this.snapshot.tabs.filter((entry) => entry.id !== id);
    let activeId = this.snapshot.activeId;
    if (activeId === id) activeId = this.history.at(-1) ?? tabs.at(-1)?.id ?? null;
    this.set({
      tabs,
      activeId,
      pendingClose: this.snapshot.pendingClose === id ? null : this.snapshot.pendingClose,
      reveal: this.snapshot.reveal?.path === tab.path && tab.kind === 'file' ? null : this.snapshot.reveal,
    });
  }

  /** Closes every tab without unsaved changes. */
  closeSaved(): void {
    for (const tab of this.snapshot.tabs) {
      if (tab.kind === 'diff' || !this.snapshot.files.get(tab.path)?.dirty) this.close(tab.id);
    }
  }

  private dropRecord(path: string): void {
    const record = this.records.get(path);
    if (!record) return;
    clearTimeout(record.autosaveTimer);
    record.stopListening();
    record.model?.dispose();
    this.records.delete(path);
  }

  dispose(): void {
    for (const path of [...this.records.keys()]) this.dropRecord(path);
    for (const models of this.diffModels.values()) for (const model of models) model.dispose();
    this.diffModels.clear();
    this.history = [];
    this.set({ tabs: [], activeId: null, files: new Map(), reveal: null, pendingClose: null });
  }

  // ── loading ────────────────────────────────────────────────────────────────────────────────────────

  private recordFor(path: string): FileRecord {
    let record = this.records.get(path);
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
      };
      this.records.set(path, record);
    }
    return record;
  }

  /** (Re)reads a file that has no model yet: first open, retry, or "open anyway" for a big one. */
  async load(path: string, options: { force?: boolean } = {}): Promise<void> {
    const record = this.recordFor(path);
    if (record.model) return;
    const seq = ++record.loadSeq;
    this.updateFile(path, { status: 'loading', error: null });
    let result: ReadResult;
    try {
      result = await this.options.files.read(path, options.force ? { limit: forcedLimit } : {});
    } catch (error) {
      if (this.records.get(path) === record && record.loadSeq === seq) {
        this.updateFile(path, { status: 'error', error: describeError(error) });
      }
      return;
    }
    if (this.records.get(path) !== record || record.loadSeq !== seq || record.model) return;
    this.showResult(path, record, result);
    if (record.recheckAfter) {
      record.recheckAfter = false;
      void this.revalidate(path);
    }
  }

  private showResult(path: string, record: FileRecord, result: ReadResult): void {
    switch (result.kind) {
      case 'text': {
        const model = this.options.models.createFileModel(path, result.text);
        this.attach(record, model);
        record.savedVersion = model.version();
        record.bom = result.bom;
        this.updateFile(path, {
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
        this.updateFile(path, { status: result.kind, size: Number.isNaN(result.size) ? null : result.size });
        break;
      case 'missing':
      case 'notModified':
        this.updateFile(path, { status: 'missing' });
        break;
    }
  }

  private attach(record: FileRecord, model: TextModelHandle): void {
    record.stopListening();
    record.model = model;
    record.stopListening = model.onDidChange(() => {
      // The record may have moved to another path (rename): look it up by identity.
      const current = this.pathOf(record);
      if (current === null) return;
      const dirty = record.model?.version() !== record.savedVersion;
      this.updateFile(current, { dirty });
      if (!record.applyingExternal) this.scheduleAutosave(current);
    });
  }

  private pathOf(record: FileRecord): string | null {
    for (const [path, candidate] of this.records) if (candidate === record) return path;
    return null;
  }

  /** Makes a clean model match the disk without touching its undo history or cursors beyond the change. */
  private applyExternal(record: FileRecord, text: string): void {
    if (!record.model) return;
    record.applyingExternal = true;
    try {
      if (record.model.getText() !== text) record.model.replaceText(text);
      record.savedVersion = record.model.version();
    } finally {
      record.applyingExternal = false;
    }
  }

  // ── saving ─────────────────────────────────────────────────────────────────────────────────────────

  private scheduleAutosave(path: string): void {
    const record = this.records.get(path);
    if (!record) return;
    clearTimeout(record.autosaveTimer);
    const state = this.snapshot.files.get(path);
    if (!this.autosave || !this.snapshot.canWrite || !state?.dirty) return;
    // A conflict or a deletion needs a person's decision; autosave would only repeat the failure.
    if (state.conflict || state.deletedOnDisk) return;
    record.autosaveTimer = setTimeout(() => {
      const target = this.pathOf(record);
      if (target !== null && this.snapshot.files.get(target)?.dirty) void this.save(target, { auto: true });
    }, this.autosaveDelayMs);
  }

  /**
   * Writes the model with `If-Match: <etag>` (or `If-None-Match: *` to recreate a deleted file). A 409
   * marks the file `conflict` for the person to choose overwrite, reload or compare; `overwrite` writes
   * without a precondition. Resolves whether the text was saved.
   */
  async save(path: string, options: { overwrite?: boolean; auto?: boolean } = {}): Promise<boolean> {
    const record = this.records.get(path);
    if (!record?.model || !this.snapshot.canWrite) return false;
    if (record.saving) {
      await record.saving;
      const again = this.pathOf(record);
      if (again === null) return false;
      return this.snapshot.files.get(again)?.dirty ? this.save(again, options) : true;
    }
    const state = this.snapshot.files.get(path);
    if (!state || state.status !== 'ready') return false;
    if (options.auto && (state.conflict || state.deletedOnDisk)) return false;
    clearTimeout(record.autosaveTimer);
    const text = record.model.getText();
    const version = record.model.version();
    const preconditions = options.overwrite
      ? {}
      : state.deletedOnDisk
        ? { ifNoneMatch: '*' }
        : state.etag
          ? { ifMatch: state.etag }
          : {};
    this.updateFile(path, { saving: true });
    const attempt = (async () => {
      try {
        const { etag } = await this.options.files.write(path, text, { ...preconditions, bom: record.bom });
        record.savedVersion = version;
        const current = this.pathOf(record);
        if (current !== null) {
          this.updateFile(current, {
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
        const current = this.pathOf(record);
        if (current !== null) {
          const conflict = error instanceof ApiError && error.code === 'conflict';
          this.updateFile(current, { saving: false, ...(conflict ? { conflict: true } : {}) });
          if (!conflict) this.options.onError(error);
        }
        return false;
      }
    })();
    record.saving = attempt;
    const saved = await attempt;
    record.saving = null;
    if (record.recheckAfter) {
      record.recheckAfter = false;
      const current = this.pathOf(record);
      if (current !== null) void this.revalidate(current);
    }
    return saved;
  }

  async saveActive(): Promise<boolean> {
    const tab = this.activeTab();
    return tab ? this.save(tab.path) : false;
  }

  async saveAll(): Promise<void> {
    await Promise.all(this.dirtyPaths().map((path) => this.save(path)));
  }

  // ── changes on disk ────────────────────────────────────────────────────────────────────────────────

  /** A `file.changed` event (or the explorer) says `path` (a file or a folder) changed on disk. */
  fileChanged(path: string): void {
    for (const open of this.records.keys()) if (within(open, path)) void this.revalidate(open);
  }

  /** After a reconnect or a restore: check every open file against the disk. */
  revalidateAll(): void {
    for (const path of [...this.records.keys()]) void this.revalidate(path);
  }

  /**
   * Compares an open file with the disk (`If-None-Match`): a clean model takes the new content with
   * minimal edits, a dirty one is marked changed on disk; a vanished file is marked deleted.
   */
  async revalidate(path: string): Promise<void> {
    const record = this.records.get(path);
    const state = this.snapshot.files.get(path);
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
      result = await this.options.files.read(path, { etag: state.deletedOnDisk ? null : state.etag });
    } catch {
      return; // Offline for a moment: the next event or reconnect checks again.
    }
    if (this.records.get(path) !== record || record.checkSeq !== seq) return;
    if (record.saving) {
      record.recheckAfter = true;
      return;
    }
    const current = this.snapshot.files.get(path)!;
    if (
      result.kind === 'notModified' ||
      (result.kind === 'text' && result.etag && result.etag === current.etag)
    ) {
      this.updateFile(path, { deletedOnDisk: false, changedOnDisk: false });
    } else if (result.kind === 'missing') {
      this.updateFile(path, { deletedOnDisk: true, changedOnDisk: false });
    } else if (current.dirty) {
      this.updateFile(path, { changedOnDisk: true, deletedOnDisk: false });
    } else if (result.kind === 'text') {
      this.applyExternal(record, result.text);
      record.bom = result.bom;
      this.updateFile(path, {
        etag: result.etag,
        dirty: false,
        deletedOnDisk: false,
        changedOnDisk: false,
        conflict: false,
      });
    } else {
      // Became binary or too big: show that instead of a stale model.
      record.stopListening();
      record.model.dispose();
      record.model = null;
      this.updateFile(path, {
        uri: null,
        etag: null,
        dirty: false,
        deletedOnDisk: false,
        changedOnDisk: false,
      });
      this.showResult(path, record, result);
    }
  }

  /** "Reload theirs" / Revert File: the disk version replaces unsaved changes (undo still has them). */
  async revert(path: string): Promise<void> {
    const record = this.records.get(path);
    if (!record?.model) return;
    let result: ReadResult;
    try {
      result = await this.options.files.read(path);
    } catch (error) {
      this.options.onError(error);
      return;
    }
    if (this.records.get(path) !== record || !record.model) return;
    if (result.kind === 'text') {
      this.applyExternal(record, result.text);
      record.bom = result.bom;
      this.updateFile(path, {
        etag: result.etag,
        dirty: false,
        conflict: false,
        changedOnDisk: false,
        deletedOnDisk: false,
      });
    } else if (result.kind === 'missing') {
      this.updateFile(path, { deletedOnDisk: true, conflict: false, changedOnDisk: false });
    } else {
      this.options.onError(new Error(`'${path}' is no longer a text file the editor can show.`));
    }
  }

  /** Keep my changes for now; the next save will ask again (it fails with a conflict). */
  dismissChangedOnDisk(path: string): void {
    this.updateFile(path, { changedOnDisk: false });
  }

  // ── explorer hooks ─────────────────────────────────────────────────────────────────────────────────

  /** A file or folder moved: its tabs follow, keeping unsaved text. */
  renamed(from: string, to: string): void {
    if (from === to) return;
    const moves = this.snapshot.tabs.filter((tab) => within(tab.path, from));
    if (moves.length === 0) return;
    const rename = (path: string) => (within(path, from) ? to + path.slice(from.length) : path);
    // A tab already open at a destination is replaced by the file that moved there.
    for (const tab of moves) {
      const target = rename(tab.path);
      if (
        tab.kind === 'file' &&
        this.snapshot.tabs.some((other) => other.kind === 'file' && other.path === target)
      ) {
        this.close(fileTabId(target));
      }
    }
    const files = new Map(this.snapshot.files);
    const idChanges = new Map<string, string>();
    const moved: string[] = [];
    for (const tab of this.snapshot.tabs) {
      if (tab.kind !== 'file' || !within(tab.path, from)) continue;
      const target = rename(tab.path);
      const record = this.records.get(tab.path);
      const state = files.get(tab.path)!;
      files.delete(tab.path);
      let uri = state.uri;
      if (record) {
        this.records.delete(tab.path);
        this.records.set(target, record);
        if (record.model) {
          const text = record.model.getText();
          const wasClean = !state.dirty;
          record.stopListening();
          record.model.dispose();
          record.model = null;
          const model = this.options.models.createFileModel(target, text);
          this.attach(record, model);
          record.savedVersion = wasClean ? model.version() : null;
          uri = model.uri;
        }
      }
      files.set(target, { ...state, path: target, uri, deletedOnDisk: false });
      idChanges.set(tab.id, fileTabId(target));
      moved.push(target);
    }
    const tabs = this.snapshot.tabs.map((tab): Tab => {
      if (!within(tab.path, from)) return tab;
      if (tab.kind === 'file') return { ...tab, id: idChanges.get(tab.id) ?? tab.id, path: rename(tab.path) };
      return { ...tab, path: rename(tab.path) };
    });
    const swap = (id: string | null) => (id === null ? null : (idChanges.get(id) ?? id));
    this.history = this.history.map((id) => swap(id)!);
    const reveal = this.snapshot.reveal;
    this.set({
      tabs,
      files,
      activeId: swap(this.snapshot.activeId),
      pendingClose: swap(this.snapshot.pendingClose),
      reveal: reveal && within(reveal.path, from) ? { ...reveal, path: rename(reveal.path) } : reveal,
    });
    for (const path of moved) void this.revalidate(path);
  }

  /** A file or folder was deleted here: clean tabs close, tabs with unsaved text stay and say so. */
  deleted(path: string): void {
    for (const tab of [...this.snapshot.tabs]) {
      if (!within(tab.path, path)) continue;
      if (tab.kind === 'file' && this.snapshot.files.get(tab.path)?.dirty) {
        this.updateFile(tab.path, { deletedOnDisk: true });
      } else {
        this.close(tab.id);
      }
    }
  }

  // ── diffs ──────────────────────────────────────────────────────────────────────────────────────────

  /** A comparison of `path` between checkpoint `from` and checkpoint `to` or the workspace. */
  openDiff(options: { path: string; from: string; to?: string; title?: string }): void {
    const to = options.to ?? null;
    const id = diffTabId(options.path, options.from, to);
    if (!this.snapshot.tabs.some((tab) => tab.id === id)) {
      const name = basename(options.path);
      const modifiedLabel = to ? shortId(to) : 'Workspace';
      const tab: DiffTab = {
        kind: 'diff',
        id,
        path: options.path,
        title: options.title ?? `${name} (${shortId(options.from)} ↔ ${modifiedLabel})`,
        from: options.from,
        to,
        originalLabel: `Checkpoint ${shortId(options.from)}`,
        modifiedLabel: to ? `Checkpoint ${shortId(to)}` : 'Workspace',
        status: 'loading',
        error: null,
        originalUri: null,
        modifiedUri: null,
        live: false,
      };
      this.insertTab(tab);
      void this.loadDiff(tab);
    }
    this.activate(id);
  }

  /** Save conflict: the file on disk (left) against this editor's text (right, still editable). */
  compareWithDisk(path: string): void {
    const id = diffTabId(path, null, null);
    if (!this.snapshot.tabs.some((tab) => tab.id === id)) {
      const tab: DiffTab = {
        kind: 'diff',
        id,
        path,
        title: `${basename(path)} (on disk ↔ yours)`,
        from: null,
        to: null,
        originalLabel: 'On disk',
        modifiedLabel: 'Your version',
        status: 'loading',
        error: null,
        originalUri: null,
        modifiedUri: null,
        live: true,
      };
      this.insertTab(tab);
      void this.loadDiff(tab);
    }
    this.activate(id);
  }

  private updateDiff(id: string, change: Partial<DiffTab>): void {
    if (!this.snapshot.tabs.some((tab) => tab.id === id)) return;
    this.set({
      tabs: this.snapshot.tabs.map((tab) =>
        tab.id === id && tab.kind === 'diff' ? { ...tab, ...change } : tab,
      ),
    });
  }

  private async loadDiff(tab: DiffTab): Promise<void> {
    const files = this.options.files;
    const textOf = (result: ReadResult): string | null =>
      result.kind === 'text' ? result.text : result.kind === 'missing' ? '' : null;
    try {
      const original = textOf(
        tab.from === null ? await files.read(tab.path) : await files.readAtCheckpoint(tab.from, tab.path),
      );
      const openModel = this.records.get(tab.path)?.model;
      let modified: string | null = null;
      let live = tab.live;
      if (tab.to !== null) modified = textOf(await files.readAtCheckpoint(tab.to, tab.path));
      else if (openModel) live = true;
      else modified = textOf(await files.read(tab.path));
      if (!this.snapshot.tabs.some((entry) => entry.id === tab.id)) return;
      if (original === null || (!live && modified === null)) {
        this.updateDiff(tab.id, { status: 'unavailable' });
        return;
      }
      if (live && !this.records.get(tab.path)?.model) {
        // The file closed meanwhile: compare with what was last known instead.
        this.updateDiff(tab.id, { status: 'error', error: 'The file was closed.' });
        return;
      }
      const models = [this.options.models.createSnapshotModel(tab.path, original)];
      if (!live) models.push(this.options.models.createSnapshotModel(tab.path, modified ?? ''));
      this.diffModels.set(tab.id, models);
      this.updateDiff(tab.id, {
        status: 'ready',
        live,
        originalUri: models[0]!.uri,
        modifiedUri: live ? null : models[1]!.uri,
      });
    } catch (error) {
      this.updateDiff(tab.id, { status: 'error', error: describeError(error) });
    }
  }
}
