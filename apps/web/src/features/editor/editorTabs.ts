import type { EditorsStore, FileState, Tab } from './editorsStore';
import { movedPath, within } from './paths';

export const fileTabId = (path: string) => `file:${path}`;
export const diffTabId = (path: string, from: string | null, to: string | null) =>
  `diff:${from ?? 'disk'}:${to ?? 'workspace'}:${path}`;

export interface RevealOptions {
  line?: number;
  column?: number;
  preserveFocus?: boolean;
}

/** The tab strip's order, the active tab, and the most-recently-used order that picks the next one. */
export class EditorTabs {
  private history: string[] = [];
  private revealSeq = 0;

  constructor(private readonly store: EditorsStore) {}

  /** New tabs open to the right of the active one. */
  insert(tab: Tab): void {
    const { tabs, activeId } = this.store.getSnapshot();
    const next = [...tabs];
    const activeIndex = next.findIndex((entry) => entry.id === activeId);
    next.splice(activeIndex === -1 ? next.length : activeIndex + 1, 0, tab);
    this.store.set({ tabs: next });
  }

  activate(id: string): void {
    if (!this.store.hasTab(id)) return;
    this.history = [...this.history.filter((entry) => entry !== id), id];
    if (this.store.getSnapshot().activeId !== id) this.store.set({ activeId: id });
  }

  /** Ctrl+PageDown / Ctrl+PageUp. */
  cycle(step: 1 | -1): void {
    const { tabs, activeId } = this.store.getSnapshot();
    if (tabs.length === 0) return;
    const index = tabs.findIndex((tab) => tab.id === activeId);
    const next = tabs[(index + step + tabs.length) % tabs.length];
    if (next) this.activate(next.id);
  }

  reveal(path: string, options: RevealOptions): void {
    this.store.set({
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
    if (this.store.getSnapshot().reveal?.seq === seq) this.store.set({ reveal: null });
  }

  /** Takes the tab out of the strip; the most recently used remaining tab becomes active. */
  remove(tab: Tab): void {
    this.history = this.history.filter((entry) => entry !== tab.id);
    const { tabs, activeId, pendingClose, reveal } = this.store.getSnapshot();
    const rest = tabs.filter((entry) => entry.id !== tab.id);
    this.store.set({
      tabs: rest,
      activeId: activeId === tab.id ? (this.history.at(-1) ?? rest.at(-1)?.id ?? null) : activeId,
      pendingClose: pendingClose === tab.id ? null : pendingClose,
      reveal: reveal?.path === tab.path && tab.kind === 'file' ? null : reveal,
    });
  }

  /** Tabs under `from` follow it to `to`; `ids` maps moved file tabs' old ids to their new ones. */
  move(
    from: string,
    to: string,
    ids: ReadonlyMap<string, string>,
    files: ReadonlyMap<string, FileState>,
  ): void {
    const { tabs, activeId, pendingClose, reveal } = this.store.getSnapshot();
    const swap = (id: string) => ids.get(id) ?? id;
    this.history = this.history.map(swap);
    this.store.set({
      tabs: tabs.map((tab): Tab => {
        if (!within(tab.path, from)) return tab;
        const path = movedPath(tab.path, from, to);
        return tab.kind === 'file' ? { ...tab, id: swap(tab.id), path } : { ...tab, path };
      }),
      files,
      activeId: activeId === null ? null : swap(activeId),
      pendingClose: pendingClose === null ? null : swap(pendingClose),
      reveal:
        reveal && within(reveal.path, from) ? { ...reveal, path: movedPath(reveal.path, from, to) } : reveal,
    });
  }

  /** Closes everything at once, without asking. */
  clear(): void {
    this.history = [];
    this.store.set({ tabs: [], activeId: null, files: new Map(), reveal: null, pendingClose: null });
  }
}
