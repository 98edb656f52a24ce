import { useEffect, useMemo, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import type { EditorsController, FileState, Tab } from './editorsController';
import { basename } from './language';

interface TabLabel {
  name: string;
  description: string | null;
}

/** The tab label, with the folder added when two open files share a name (like VS Code). */
function tabLabels(tabs: readonly Tab[]): Map<string, TabLabel> {
  const counts = new Map<string, number>();
  for (const tab of tabs)
    if (tab.kind === 'file') counts.set(basename(tab.path), (counts.get(basename(tab.path)) ?? 0) + 1);
  const labels = new Map<string, TabLabel>();
  for (const tab of tabs) {
    if (tab.kind === 'diff') {
      labels.set(tab.id, { name: tab.title, description: null });
      continue;
    }
    const name = basename(tab.path);
    const folder = tab.path.includes('/') ? tab.path.slice(0, tab.path.lastIndexOf('/')) : null;
    labels.set(tab.id, { name, description: (counts.get(name) ?? 0) > 1 ? (folder ?? '/') : null });
  }
  return labels;
}

/** The tab's `data-state`, most pressing first. */
function tabState(file: FileState | undefined): string {
  if (file?.conflict) return 'conflict';
  if (file?.saving) return 'saving';
  if (file?.dirty) return 'dirty';
  if (file?.deletedOnDisk) return 'deleted';
  return 'saved';
}

const sharedTitle = {
  synced: ' • Shared, saved by the server',
  unsynced: ' • Shared, syncing',
  offline: ' • Shared, offline (changes kept here until reconnected)',
} as const;

/** The open editors as ARIA tabs: arrows, Home and End move between them, Delete or a middle click closes. */
export function TabStrip({
  controller,
  tabs,
  activeId,
  files,
}: {
  controller: EditorsController;
  tabs: readonly Tab[];
  activeId: string | null;
  files: ReadonlyMap<string, FileState>;
}) {
  const stripRef = useRef<HTMLDivElement>(null);
  const labels = useMemo(() => tabLabels(tabs), [tabs]);

  useEffect(() => {
    const strip = stripRef.current;
    const activeTab = strip?.querySelector<HTMLElement>('[aria-selected="true"]');
    activeTab?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [activeId]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((tab) => tab.id === activeId);
    let next: Tab | undefined;
    if (event.key === 'ArrowRight') next = tabs[(index + 1) % tabs.length];
    else if (event.key === 'ArrowLeft') next = tabs[(index - 1 + tabs.length) % tabs.length];
    else if (event.key === 'Home') next = tabs[0];
    else if (event.key === 'End') next = tabs.at(-1);
    else if (event.key === 'Delete' && activeId) {
      event.preventDefault();
      controller.requestClose(activeId);
      return;
    }
    if (!next) return;
    event.preventDefault();
    controller.activate(next.id);
    requestAnimationFrame(() =>
      stripRef.current?.querySelector<HTMLElement>(`[data-tab-id="${CSS.escape(next.id)}"]`)?.focus(),
    );
  };

  return (
    <div
      ref={stripRef}
      className="editor-tabs"
      role="tablist"
      aria-label="Open editors"
      onKeyDown={onKeyDown}
      onWheel={(event) => {
        if (stripRef.current && event.deltaY !== 0 && event.deltaX === 0)
          stripRef.current.scrollLeft += event.deltaY;
      }}
    >
      {tabs.map((tab) => (
        <EditorTab
          key={tab.id}
          controller={controller}
          tab={tab}
          file={tab.kind === 'file' ? files.get(tab.path) : undefined}
          label={labels.get(tab.id) ?? { name: tab.path, description: null }}
          selected={tab.id === activeId}
        />
      ))}
    </div>
  );
}

function EditorTab({
  controller,
  tab,
  file,
  label,
  selected,
}: {
  controller: EditorsController;
  tab: Tab;
  file: FileState | undefined;
  label: TabLabel;
  selected: boolean;
}) {
  const dirty = file?.dirty ?? false;
  const deleted = file?.deletedOnDisk ?? false;
  const closeTab = (event: MouseEvent) => {
    event.stopPropagation();
    controller.requestClose(tab.id);
  };
  const shared = file?.shared ?? null;
  const title = `${tab.kind === 'diff' ? tab.title : tab.path}${dirty ? ' • Unsaved' : ''}${deleted ? ' • Deleted' : ''}${shared ? sharedTitle[shared] : ''}`;
  return (
    <div
      data-tab-id={tab.id}
      className="editor-tab"
      role="tab"
      aria-selected={selected}
      aria-label={label.name}
      data-state={tabState(file)}
      data-shared={shared ?? undefined}
      data-kind={tab.kind}
      tabIndex={selected ? 0 : -1}
      title={title}
      onClick={() => controller.activate(tab.id)}
      onMouseDown={(event) => {
        if (event.button === 1) event.preventDefault(); // no autoscroll cursor
      }}
      onAuxClick={(event) => {
        if (event.button === 1) closeTab(event);
      }}
    >
      <span className="editor-tab-icon" aria-hidden="true" data-kind={tab.kind}>
        {tab.kind === 'diff' ? '⇄' : ''}
      </span>
      <span className="editor-tab-label" data-deleted={deleted || undefined}>
        {label.name}
      </span>
      {label.description && <span className="editor-tab-description">{label.description}</span>}
      {deleted && <span className="editor-tab-description">(deleted)</span>}
      <button
        type="button"
        className="editor-tab-close"
        data-dirty={dirty || undefined}
        aria-label={`Close ${label.name}`}
        title={dirty ? 'Unsaved changes — close' : 'Close'}
        tabIndex={-1}
        onClick={closeTab}
      >
        <span className="editor-tab-dirty" aria-hidden="true">
          ●
        </span>
        <span className="editor-tab-x" aria-hidden="true">
          ×
        </span>
      </button>
    </div>
  );
}
