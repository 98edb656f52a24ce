import { describeError } from '../../platform/ApiError';
import { diffTabId, type EditorTabs } from './editorTabs';
import type { DiffTab, EditorsStore } from './editorsStore';
import type { FileAccess, ReadResult } from './fileAccess';
import type { FileRecords } from './fileRecords';
import { basename } from './language';
import type { ModelHost, TextModelHandle } from './textModels';

const shortId = (id: string) => id.slice(0, 7);

/** A missing file compares as empty; null when the file cannot be shown as text. */
const textOf = (result: ReadResult): string | null =>
  result.kind === 'text' ? result.text : result.kind === 'missing' ? '' : null;

type DiffFields = Pick<
  DiffTab,
  'path' | 'title' | 'from' | 'to' | 'originalLabel' | 'modifiedLabel' | 'live'
>;

/** Comparison tabs and the snapshot models behind them, which live exactly as long as their tab. */
export class DiffTabs {
  private readonly models = new Map<string, TextModelHandle[]>();

  constructor(
    private readonly store: EditorsStore,
    private readonly tabs: EditorTabs,
    private readonly records: FileRecords,
    private readonly files: FileAccess,
    private readonly host: ModelHost,
  ) {}

  /** A comparison of `path` between checkpoint `from` and checkpoint `to` or the workspace. */
  openDiff(options: { path: string; from: string; to?: string; title?: string }): void {
    const to = options.to ?? null;
    const modifiedLabel = to ? shortId(to) : 'Workspace';
    this.open(diffTabId(options.path, options.from, to), {
      path: options.path,
      title: options.title ?? `${basename(options.path)} (${shortId(options.from)} ↔ ${modifiedLabel})`,
      from: options.from,
      to,
      originalLabel: `Checkpoint ${shortId(options.from)}`,
      modifiedLabel: to ? `Checkpoint ${shortId(to)}` : 'Workspace',
      live: false,
    });
  }

  /** Save conflict: the file on disk (left) against this editor's text (right, still editable). */
  compareWithDisk(path: string): void {
    this.open(diffTabId(path, null, null), {
      path,
      title: `${basename(path)} (on disk ↔ yours)`,
      from: null,
      to: null,
      originalLabel: 'On disk',
      modifiedLabel: 'Your version',
      live: true,
    });
  }

  private open(id: string, fields: DiffFields): void {
    if (!this.store.hasTab(id)) {
      const tab: DiffTab = {
        kind: 'diff',
        id,
        ...fields,
        status: 'loading',
        error: null,
        originalUri: null,
        modifiedUri: null,
      };
      this.tabs.insert(tab);
      void this.load(tab);
    }
    this.tabs.activate(id);
  }

  private update(id: string, change: Partial<DiffTab>): void {
    if (!this.store.hasTab(id)) return;
    this.store.set({
      tabs: this.store
        .getSnapshot()
        .tabs.map((tab) => (tab.id === id && tab.kind === 'diff' ? { ...tab, ...change } : tab)),
    });
  }

  private async load(tab: DiffTab): Promise<void> {
    const files = this.files;
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
      if (!this.store.hasTab(tab.id)) return;
      if (original === null || (!live && modified === null)) {
        this.update(tab.id, { status: 'unavailable' });
        return;
      }
      if (live && !this.records.get(tab.path)?.model) {
        // The file closed meanwhile, and its model (the right side) with it.
        this.update(tab.id, { status: 'error', error: 'The file was closed.' });
        return;
      }
      const models = [this.host.createSnapshotModel(tab.path, original)];
      if (!live) models.push(this.host.createSnapshotModel(tab.path, modified ?? ''));
      this.models.set(tab.id, models);
      this.update(tab.id, {
        status: 'ready',
        live,
        originalUri: models[0]!.uri,
        modifiedUri: live ? null : models[1]!.uri,
      });
    } catch (error) {
      this.update(tab.id, { status: 'error', error: describeError(error) });
    }
  }

  /** Releases the models of a closed comparison. */
  dispose(id: string): void {
    for (const model of this.models.get(id) ?? []) model.dispose();
    this.models.delete(id);
  }

  disposeAll(): void {
    for (const id of [...this.models.keys()]) this.dispose(id);
  }
}
