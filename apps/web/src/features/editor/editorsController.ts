import type { CollabFiles } from '../collab';
import { DiffTabs } from './diffTabs';
import { DiskSync, type ChangeKind } from './diskSync';
import { EditorTabs, fileTabId, type RevealOptions } from './editorTabs';
import { EditorsStore, loadingFile, type FileState, type Tab } from './editorsStore';
import type { FileAccess } from './fileAccess';
import { FileRecords } from './fileRecords';
import { FileSaver } from './fileSaver';
import { movedPath, within } from './paths';
import type { ModelHost } from './textModels';

export { diffTabId, fileTabId } from './editorTabs';
export type { DiffTab, EditorsSnapshot, FileState, FileStatus, FileTab, Reveal, Tab } from './editorsStore';

export type CloseChoice = 'save' | 'discard' | 'cancel';

export interface EditorsControllerOptions {
  files: FileAccess;
  models: ModelHost;
  onError(error: unknown): void;
  canWrite?: boolean;
  autosave?: boolean;
  autosaveDelayMs?: number;
  /** Shared documents for co-editing; without (or when unavailable), files load and save through `files`. */
  collab?: CollabFiles | null;
}

/**
 * The open editors of one project: tabs, one text model per open file, saving with `If-Match`, conflicts,
 * autosave and following changes made elsewhere — or, for a file bound to its shared document, none of the
 * saving: the server writes the document to disk, so such a file is never dirty. React reads it through
 * `subscribe`/`getSnapshot`; Monaco stays behind `ModelHost`, so all of this runs in tests without a browser.
 */
export class EditorsController {
  private readonly store: EditorsStore;
  private readonly records: FileRecords;
  private readonly tabs: EditorTabs;
  private readonly disk: DiskSync;
  private readonly saver: FileSaver;
  private readonly diffs: DiffTabs;
  readonly subscribe: EditorsStore['subscribe'];
  readonly getSnapshot: EditorsStore['getSnapshot'];

  constructor(options: EditorsControllerOptions) {
    const onError = (error: unknown) => options.onError(error);
    this.store = new EditorsStore(options.canWrite ?? true);
    this.records = new FileRecords(options.models, (path, record) => this.saver.modelChanged(path, record));
    this.tabs = new EditorTabs(this.store);
    this.disk = new DiskSync(this.store, this.records, options.files, onError, options.collab ?? null);
    this.saver = new FileSaver(this.store, this.records, {
      files: options.files,
      onError,
      autosave: options.autosave ?? false,
      autosaveDelayMs: options.autosaveDelayMs ?? 1000,
      recheck: (record) => this.disk.recheck(record),
    });
    this.diffs = new DiffTabs(this.store, this.tabs, this.records, options.files, options.models);
    this.subscribe = this.store.subscribe;
    this.getSnapshot = this.store.getSnapshot;
  }

  file(path: string): FileState | undefined {
    return this.store.file(path);
  }

  activeTab(): Tab | null {
    return this.store.activeTab();
  }

  dirtyPaths(): string[] {
    return this.store.dirtyPaths();
  }

  setCanWrite(canWrite: boolean): void {
    if (canWrite !== this.store.getSnapshot().canWrite) this.store.set({ canWrite });
  }

  setAutosave(enabled: boolean): void {
    this.saver.setAutosave(enabled);
  }

  /** Where files opened from now on find their shared documents (null: the files API only). */
  setCollab(collab: CollabFiles | null): void {
    this.disk.setCollab(collab);
  }

  // ── tabs ───────────────────────────────────────────────────────────────────────────────────────────

  openFile(path: string, options: RevealOptions = {}): void {
    const id = fileTabId(path);
    if (!this.store.hasTab(id)) {
      this.tabs.insert({ kind: 'file', id, path });
      this.store.setFile(path, loadingFile(path));
      void this.disk.load(path);
    }
    this.tabs.activate(id);
    this.tabs.reveal(path, options);
  }

  /** The editor area applied the reveal. */
  revealed(seq: number): void {
    this.tabs.revealed(seq);
  }

  activate(id: string): void {
    this.tabs.activate(id);
  }

  /** Ctrl+PageDown / Ctrl+PageUp. */
  cycle(step: 1 | -1): void {
    this.tabs.cycle(step);
  }

  /** Closes the tab, or asks first (`pendingClose`) when it has unsaved changes. */
  requestClose(id: string): void {
    const tab = this.store.tab(id);
    if (!tab) return;
    if (tab.kind === 'file' && this.store.isDirty(tab.path)) {
      this.activate(id);
      this.store.set({ pendingClose: id });
      return;
    }
    this.close(id);
  }

  async resolvePendingClose(choice: CloseChoice): Promise<void> {
    const tab = this.store.tab(this.store.getSnapshot().pendingClose);
    this.store.set({ pendingClose: null });
    if (!tab || choice === 'cancel') return;
    if (choice === 'save' && tab.kind === 'file' && !(await this.save(tab.path))) return;
    this.close(tab.id);
  }

  /** Closes the tab without asking. */
  close(id: string): void {
    const tab = this.store.tab(id);
    if (!tab) return;
    if (tab.kind === 'file') {
      // A comparison whose right side is this file's model cannot outlive it.
      for (const other of this.store.getSnapshot().tabs) {
        if (other.kind === 'diff' && other.live && other.path === tab.path) this.close(other.id);
      }
      this.records.drop(tab.path);
      this.store.deleteFile(tab.path);
    } else {
      this.diffs.dispose(id);
    }
    this.tabs.remove(tab);
  }

  /** Closes every tab without unsaved changes. */
  closeSaved(): void {
    for (const tab of this.store.getSnapshot().tabs) {
      if (tab.kind === 'diff' || !this.store.isDirty(tab.path)) this.close(tab.id);
    }
  }

  dispose(): void {
    this.records.dropAll();
    this.diffs.disposeAll();
    this.tabs.clear();
  }

  // ── files ──────────────────────────────────────────────────────────────────────────────────────────

  load(path: string, options?: { force?: boolean }): Promise<void> {
    return this.disk.load(path, options);
  }

  save(path: string, options?: { overwrite?: boolean; auto?: boolean }): Promise<boolean> {
    return this.saver.save(path, options);
  }

  async saveActive(): Promise<boolean> {
    const tab = this.activeTab();
    return tab ? this.save(tab.path) : false;
  }

  saveAll(): Promise<void> {
    return this.saver.saveAll();
  }

  fileChanged(path: string, kind?: ChangeKind): void {
    this.disk.fileChanged(path, kind);
  }

  revalidateAll(): void {
    this.disk.revalidateAll();
  }

  revalidate(path: string): Promise<void> {
    return this.disk.revalidate(path);
  }

  revert(path: string): Promise<void> {
    return this.disk.revert(path);
  }

  dismissChangedOnDisk(path: string): void {
    this.disk.dismissChangedOnDisk(path);
  }

  // ── explorer hooks ─────────────────────────────────────────────────────────────────────────────────

  /** A file or folder moved: its tabs follow, keeping unsaved text. */
  renamed(from: string, to: string): void {
    if (from === to) return;
    const moves = this.store.getSnapshot().tabs.filter((tab) => within(tab.path, from));
    if (moves.length === 0) return;
    // A tab already open at a destination is replaced by the file that moved there.
    for (const tab of moves) {
      const target = fileTabId(movedPath(tab.path, from, to));
      if (tab.kind === 'file' && this.store.hasTab(target)) this.close(target);
    }
    const files = new Map(this.store.getSnapshot().files);
    const ids = new Map<string, string>();
    const moved: string[] = [];
    const reload: string[] = [];
    for (const tab of this.store.getSnapshot().tabs) {
      if (tab.kind !== 'file' || !within(tab.path, from)) continue;
      const target = movedPath(tab.path, from, to);
      const state = files.get(tab.path)!;
      files.delete(tab.path);
      const record = this.records.move(tab.path, target);
      if (record && (record.shared || !record.model)) {
        // A shared document is named after its path, and a load in flight reads the old one: open the file
        // again at its new path (a shared file has nothing unsaved to carry over).
        this.records.detach(record);
        files.set(target, loadingFile(target));
        reload.push(target);
      } else {
        // Monaco's models are named after their file: the text moves into a model at the new path.
        const model = record?.model
          ? this.records.openModel(record, target, record.model.getText(), !state.dirty)
          : null;
        files.set(target, { ...state, path: target, uri: model?.uri ?? state.uri, deletedOnDisk: false });
        moved.push(target);
      }
      ids.set(tab.id, fileTabId(target));
    }
    this.tabs.move(from, to, ids, files);
    for (const path of moved) void this.disk.revalidate(path);
    for (const path of reload) void this.disk.load(path);
  }

  /** A file or folder was deleted here: clean tabs close, tabs with unsaved text stay and say so. */
  deleted(path: string): void {
    for (const tab of [...this.store.getSnapshot().tabs]) {
      if (!within(tab.path, path)) continue;
      if (tab.kind === 'file' && this.store.isDirty(tab.path)) {
        this.store.updateFile(tab.path, { deletedOnDisk: true });
      } else {
        this.close(tab.id);
      }
    }
  }

  // ── diffs ──────────────────────────────────────────────────────────────────────────────────────────

  openDiff(options: { path: string; from: string; to?: string; title?: string }): void {
    this.diffs.openDiff(options);
  }

  compareWithDisk(path: string): void {
    this.diffs.compareWithDisk(path);
  }
}
