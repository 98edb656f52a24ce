import { DiffEditor, Editor } from '@monaco-editor/react';
import type { Project } from '@vaporform/contracts';
import type { editor } from 'monaco-editor';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { apiPath } from '../../platform/api';
import { formatKeybinding, useCommand } from '../../platform/commands';
import { usePreferences } from '../../platform/preferences';
import { can } from '../../platform/projects';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Spinner } from '../../ui/Spinner';
import type { DiffTab, EditorsController, FileState, Tab } from './editorsController';
import { useEditorsController, useEditorsSnapshot } from './EditorsProvider';
import { basename } from './language';
import { monaco } from './monacoSetup';
import { QuickOpen } from './QuickOpen';
import './editor.css';

const imageExtensions = /\.(png|jpe?g|gif|webp|avif|bmp|ico)$/i;

function formatBytes(size: number | null): string {
  if (size === null) return 'very large';
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

function saveStateOf(file: FileState | undefined, canWrite: boolean): string {
  if (!file) return '';
  if (file.status !== 'ready') return '';
  if (file.saving) return 'Saving…';
  if (file.conflict) return 'Not saved: changed on disk';
  if (file.deletedOnDisk) return file.dirty ? 'Unsaved (deleted on disk)' : 'Deleted on disk';
  if (file.dirty) return 'Unsaved changes';
  return canWrite ? 'Saved' : 'Read-only';
}

/** The tab label, with the folder added when two open files share a name (like VS Code). */
function tabLabels(tabs: readonly Tab[]): Map<string, { name: string; description: string | null }> {
  const counts = new Map<string, number>();
  for (const tab of tabs)
    if (tab.kind === 'file') counts.set(basename(tab.path), (counts.get(basename(tab.path)) ?? 0) + 1);
  const labels = new Map<string, { name: string; description: string | null }>();
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

/** Tabs and the editor (Monaco), with VS Code's watermark when nothing is open. */
export function EditorArea({ project }: { project: Project }) {
  const controller = useEditorsController();
  const snapshot = useEditorsSnapshot(controller);
  const preferences = usePreferences();
  const canWrite = can(project, 'write');
  const theme = preferences.theme === 'light' ? 'vs' : 'vs-dark';
  const [quickOpen, setQuickOpen] = useState(false);

  const active = snapshot.tabs.find((tab) => tab.id === snapshot.activeId) ?? null;
  const activeFile = active?.kind === 'file' ? snapshot.files.get(active.path) : undefined;
  const activeUri = activeFile?.status === 'ready' ? activeFile.uri : null;
  const hasFileTabs = snapshot.tabs.some((tab) => tab.kind === 'file');

  useCommand({
    id: 'workbench.action.files.save',
    title: 'Save',
    category: 'File',
    keybinding: 'Mod+S',
    // Always swallow the key: the browser's "Save page" dialog is never what someone in an editor wants.
    run: () => void controller.saveActive(),
  });
  useCommand({
    id: 'workbench.action.files.saveAll',
    title: 'Save All',
    category: 'File',
    run: () => void controller.saveAll(),
    enabled: () => canWrite && controller.dirtyPaths().length > 0,
  });
  useCommand({
    id: 'workbench.action.files.revert',
    title: 'Revert File',
    category: 'File',
    run: () => {
      const tab = controller.activeTab();
      if (tab?.kind === 'file') void controller.revert(tab.path);
    },
    enabled: () => controller.activeTab()?.kind === 'file',
  });
  useCommand({
    id: 'workbench.action.quickOpen',
    title: 'Go to File…',
    keybinding: 'Mod+P',
    run: () => setQuickOpen(true),
  });
  useCommand({
    id: 'workbench.action.closeActiveEditor',
    title: 'Close Editor',
    category: 'View',
    run: () => {
      const tab = controller.activeTab();
      if (tab) controller.requestClose(tab.id);
    },
    enabled: () => controller.activeTab() !== null,
  });
  useCommand({
    id: 'workbench.action.closeUnmodifiedEditors',
    title: 'Close Saved Editors',
    category: 'View',
    run: () => controller.closeSaved(),
    enabled: () => controller.getSnapshot().tabs.length > 0,
  });
  useCommand({
    id: 'workbench.action.nextEditor',
    title: 'Open Next Editor',
    category: 'View',
    keybinding: 'Mod+PageDown',
    run: () => controller.cycle(1),
  });
  useCommand({
    id: 'workbench.action.previousEditor',
    title: 'Open Previous Editor',
    category: 'View',
    keybinding: 'Mod+PageUp',
    run: () => controller.cycle(-1),
  });

  const pending = snapshot.tabs.find((tab) => tab.id === snapshot.pendingClose) ?? null;

  return (
    <section className="editor-area" aria-label="Editor">
      {snapshot.tabs.length === 0 ? (
        <Watermark />
      ) : (
        <>
          <TabStrip
            controller={controller}
            tabs={snapshot.tabs}
            activeId={snapshot.activeId}
            files={snapshot.files}
          />
          {active && <Breadcrumbs tab={active} file={activeFile} canWrite={canWrite} readOnly={!canWrite} />}
          {active?.kind === 'file' && activeFile && (
            <FileBanner controller={controller} file={activeFile} canWrite={canWrite} />
          )}
          <div className="editor-surface">
            {hasFileTabs && (
              <CodeEditor
                controller={controller}
                activeUri={activeUri}
                hidden={activeUri === null}
                theme={theme}
                fontSize={preferences.editorFontSize}
                readOnly={!canWrite}
                reveal={snapshot.reveal}
                files={snapshot.files}
              />
            )}
            {snapshot.tabs.map((tab) =>
              tab.kind === 'diff' ? (
                <DiffPane
                  key={tab.id}
                  controller={controller}
                  tab={tab}
                  liveUri={tab.live ? (snapshot.files.get(tab.path)?.uri ?? null) : null}
                  hidden={tab.id !== snapshot.activeId}
                  theme={theme}
                  fontSize={preferences.editorFontSize}
                  canWrite={canWrite}
                />
              ) : null,
            )}
            {active?.kind === 'file' && activeFile && activeFile.status !== 'ready' && (
              <FileMessage controller={controller} project={project} file={activeFile} />
            )}
          </div>
        </>
      )}
      <QuickOpen
        projectId={project.id}
        open={quickOpen}
        recent={snapshot.tabs.filter((tab) => tab.kind === 'file').map((tab) => tab.path)}
        onClose={() => setQuickOpen(false)}
        onPick={(path, position) => {
          setQuickOpen(false);
          controller.openFile(path, position);
        }}
      />
      <Dialog
        open={pending !== null}
        title="Save changes?"
        onClose={() => void controller.resolvePendingClose('cancel')}
      >
        {pending && (
          <>
            <p>
              Do you want to save the changes you made to <strong>{basename(pending.path)}</strong>?
            </p>
            <p className="editor-dialog-hint">Your changes will be lost if you don&apos;t save them.</p>
            <div className="dialog-actions">
              <Button onClick={() => void controller.resolvePendingClose('save')}>Save</Button>
              <Button variant="secondary" onClick={() => void controller.resolvePendingClose('discard')}>
                Don&apos;t Save
              </Button>
              <Button variant="secondary" onClick={() => void controller.resolvePendingClose('cancel')}>
                Cancel
              </Button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}

function Watermark() {
  const hints: [string, string][] = [
    ['Show All Commands', 'Mod+Shift+P'],
    ['Go to File', 'Mod+P'],
    ['Find in Files', 'Mod+Shift+F'],
    ['Save', 'Mod+S'],
  ];
  return (
    <div className="editor-watermark" role="region" aria-label="No editor open">
      <dl>
        {hints.map(([label, key]) => (
          <div key={label} className="editor-watermark-row">
            <dt>{label}</dt>
            <dd>
              {formatKeybinding(key)
                .split('+')
                .map((part, index) => (
                  <kbd key={index}>{part}</kbd>
                ))}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function TabStrip({
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
      {tabs.map((tab) => {
        const file = tab.kind === 'file' ? files.get(tab.path) : undefined;
        const label = labels.get(tab.id) ?? { name: tab.path, description: null };
        const selected = tab.id === activeId;
        const dirty = file?.dirty ?? false;
        const deleted = file?.deletedOnDisk ?? false;
        const state = file?.conflict
          ? 'conflict'
          : file?.saving
            ? 'saving'
            : dirty
              ? 'dirty'
              : deleted
                ? 'deleted'
                : 'saved';
        const closeTab = (event: MouseEvent) => {
          event.stopPropagation();
          controller.requestClose(tab.id);
        };
        const title = `${tab.kind === 'diff' ? tab.title : tab.path}${dirty ? ' • Unsaved' : ''}${deleted ? ' • Deleted' : ''}`;
        return (
          <div
            key={tab.id}
            data-tab-id={tab.id}
            className="editor-tab"
            role="tab"
            aria-selected={selected}
            aria-label={label.name}
            data-state={state}
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
      })}
    </div>
  );
}

function Breadcrumbs({
  tab,
  file,
  canWrite,
  readOnly,
}: {
  tab: Tab;
  file: FileState | undefined;
  canWrite: boolean;
  readOnly: boolean;
}) {
  const parts = tab.path.split('/');
  return (
    <div className="editor-breadcrumbs">
      <nav aria-label="Breadcrumbs" className="editor-breadcrumbs-path">
        {parts.map((part, index) => (
          <span key={index} className="editor-breadcrumb">
            {part}
          </span>
        ))}
        {tab.kind === 'diff' && (
          <span className="editor-breadcrumbs-diff">
            {tab.originalLabel} ↔ {tab.modifiedLabel}
          </span>
        )}
      </nav>
      {readOnly && <span className="editor-badge">Read-only</span>}
      {tab.kind === 'file' && (
        <span
          className="editor-save-state"
          role="status"
          aria-label="Save state"
          data-state={file?.dirty ? 'dirty' : 'clean'}
        >
          {saveStateOf(file, canWrite)}
        </span>
      )}
    </div>
  );
}

function FileBanner({
  controller,
  file,
  canWrite,
}: {
  controller: EditorsController;
  file: FileState;
  canWrite: boolean;
}) {
  const name = basename(file.path);
  if (file.status !== 'ready') return null;
  if (file.conflict) {
    return (
      <div className="editor-filebar" role="alert" data-kind="conflict">
        <span>
          Failed to save <strong>{name}</strong>: the file was changed on disk since you opened it. Overwrite
          it with your version, reload the version on disk, or compare the two.
        </span>
        <span className="editor-filebar-actions">
          <Button onClick={() => void controller.save(file.path, { overwrite: true })} disabled={!canWrite}>
            Overwrite
          </Button>
          <Button variant="secondary" onClick={() => void controller.revert(file.path)}>
            Reload Theirs
          </Button>
          <Button variant="secondary" onClick={() => controller.compareWithDisk(file.path)}>
            Compare
          </Button>
        </span>
      </div>
    );
  }
  if (file.changedOnDisk) {
    return (
      <div className="editor-filebar" role="alert" data-kind="changed">
        <span>
          <strong>{name}</strong> was changed on disk while you have unsaved changes.
        </span>
        <span className="editor-filebar-actions">
          <Button variant="secondary" onClick={() => controller.compareWithDisk(file.path)}>
            Compare
          </Button>
          <Button variant="secondary" onClick={() => void controller.revert(file.path)}>
            Reload Theirs
          </Button>
          <Button variant="secondary" onClick={() => controller.dismissChangedOnDisk(file.path)}>
            Keep Mine
          </Button>
        </span>
      </div>
    );
  }
  if (file.deletedOnDisk) {
    return (
      <div className="editor-filebar" role="alert" data-kind="deleted">
        <span>
          <strong>{name}</strong> was deleted on disk.{canWrite ? ' Save to create it again.' : ''}
        </span>
        <span className="editor-filebar-actions">
          <Button variant="secondary" onClick={() => controller.close(`file:${file.path}`)}>
            Close Editor
          </Button>
        </span>
      </div>
    );
  }
  return null;
}

function FileMessage({
  controller,
  project,
  file,
}: {
  controller: EditorsController;
  project: Project;
  file: FileState;
}) {
  const name = basename(file.path);
  switch (file.status) {
    case 'loading':
      return (
        <div className="editor-message" aria-busy="true">
          <Spinner label={`Opening ${name}`} />
        </div>
      );
    case 'binary':
      return (
        <div className="editor-message">
          {imageExtensions.test(file.path) ? (
            <img
              className="editor-image"
              src={apiPath('projects', project.id, 'files', file.path)}
              alt={name}
            />
          ) : (
            <p>
              The file is not displayed in the text editor because it is either binary or uses an unsupported
              text encoding.
            </p>
          )}
        </div>
      );
    case 'tooLarge':
      return (
        <div className="editor-message">
          <p>
            The file is not displayed in the text editor because it is very large ({formatBytes(file.size)}).
          </p>
          {/* No size: the server refused the file, so opening anyway would fail the same way. */}
          {file.size !== null && file.size <= 10 * 1024 * 1024 && (
            <Button variant="secondary" onClick={() => void controller.load(file.path, { force: true })}>
              Open Anyway
            </Button>
          )}
        </div>
      );
    case 'missing':
      return (
        <div className="editor-message">
          <p>
            The file <strong>{file.path}</strong> does not exist.
          </p>
        </div>
      );
    case 'error':
      return (
        <div className="editor-message" role="alert">
          <p>
            Could not open <strong>{name}</strong>: {file.error}
          </p>
          <Button variant="secondary" onClick={() => void controller.load(file.path)}>
            Try Again
          </Button>
        </div>
      );
    default:
      return null;
  }
}

/** One Monaco editor for every open file: switching tabs swaps its model and restores its view state. */
function CodeEditor({
  controller,
  activeUri,
  hidden,
  theme,
  fontSize,
  readOnly,
  reveal,
  files,
}: {
  controller: EditorsController;
  activeUri: string | null;
  hidden: boolean;
  theme: string;
  fontSize: number;
  readOnly: boolean;
  reveal: ReturnType<EditorsController['getSnapshot']>['reveal'];
  files: ReadonlyMap<string, FileState>;
}) {
  const editorRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  const viewStates = useRef(new Map<string, editor.ICodeEditorViewState | null>());
  const [ready, setReady] = useState(false);

  const options = useMemo<editor.IStandaloneEditorConstructionOptions>(
    () => ({
      fontSize,
      readOnly,
      readOnlyMessage: { value: 'You can read this project but not change it.' },
      automaticLayout: true,
      fixedOverflowWidgets: true,
      renderWhitespace: 'selection',
      bracketPairColorization: { enabled: true },
      smoothScrolling: true,
      tabSize: 2,
      scrollbar: { alwaysConsumeMouseWheel: false },
    }),
    [fontSize, readOnly],
  );

  // Swap the model when the active file changes, keeping each file's cursor and scroll position.
  useEffect(() => {
    const instance = editorRef.current;
    if (!instance || !activeUri) return;
    const current = instance.getModel();
    if (current?.uri.toString() === activeUri) return;
    if (current && !current.isDisposed())
      viewStates.current.set(current.uri.toString(), instance.saveViewState());
    const model = monaco.editor.getModel(monaco.Uri.parse(activeUri));
    if (!model) return;
    instance.setModel(model);
    const state = viewStates.current.get(activeUri);
    if (state) instance.restoreViewState(state);
  }, [activeUri, ready]);

  // Forget view states of closed files.
  useEffect(() => {
    const open = new Set([...files.values()].map((file) => file.uri));
    for (const uri of viewStates.current.keys()) if (!open.has(uri)) viewStates.current.delete(uri);
  }, [files]);

  // Put the cursor where the explorer, search or quick open asked, once the file is showing.
  useEffect(() => {
    if (!reveal) return;
    const file = files.get(reveal.path);
    if (!file) return;
    if (file.status === 'loading') return;
    const instance = editorRef.current;
    if (file.status !== 'ready') {
      controller.revealed(reveal.seq);
      return;
    }
    if (!instance || instance.getModel()?.uri.toString() !== file.uri) return;
    if (reveal.line) {
      const position = { lineNumber: reveal.line, column: reveal.column ?? 1 };
      instance.setPosition(position);
      instance.revealPositionInCenterIfOutsideViewport(position);
    }
    if (reveal.focus) instance.focus();
    controller.revealed(reveal.seq);
  }, [controller, reveal, files, activeUri, ready]);

  return (
    <div className="editor-code" hidden={hidden}>
      <Editor
        theme={theme}
        options={options}
        keepCurrentModel
        loading={<Spinner label="Loading the editor" />}
        onMount={(instance) => {
          // The wrapper made a placeholder model; the controller owns the real ones.
          const placeholder = instance.getModel();
          instance.setModel(null);
          if (placeholder && placeholder.uri.scheme !== 'file') placeholder.dispose();
          instance.addAction({
            id: 'vaporform.files.save',
            label: 'File: Save',
            keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS],
            run: () => void controller.saveActive(),
          });
          editorRef.current = instance;
          setReady(true);
        }}
      />
    </div>
  );
}

/** A checkpoint comparison or a save conflict, in Monaco's side-by-side diff editor. */
function DiffPane({
  controller,
  tab,
  liveUri,
  hidden,
  theme,
  fontSize,
  canWrite,
}: {
  controller: EditorsController;
  tab: DiffTab;
  liveUri: string | null;
  hidden: boolean;
  theme: string;
  fontSize: number;
  canWrite: boolean;
}) {
  const modifiedUri = tab.live ? liveUri : tab.modifiedUri;
  const editable = tab.live && canWrite;
  const options = useMemo<editor.IDiffEditorConstructionOptions>(
    () => ({
      fontSize,
      readOnly: !editable,
      originalEditable: false,
      automaticLayout: true,
      renderSideBySide: true,
      fixedOverflowWidgets: true,
    }),
    [fontSize, editable],
  );
  if (hidden && tab.status !== 'ready') return null;
  return (
    <div className="editor-diff" hidden={hidden} aria-label={`Changes in ${tab.path}`} role="region">
      {tab.status === 'loading' && (
        <div className="editor-message" aria-busy="true">
          <Spinner label="Loading the comparison" />
        </div>
      )}
      {tab.status === 'unavailable' && (
        <div className="editor-message">
          <p>Binary or very large files cannot be compared.</p>
        </div>
      )}
      {tab.status === 'error' && (
        <div className="editor-message" role="alert">
          <p>Could not load the comparison: {tab.error}</p>
        </div>
      )}
      {tab.status === 'ready' && tab.originalUri && modifiedUri && (
        <DiffEditor
          key={modifiedUri}
          theme={theme}
          options={options}
          originalModelPath={tab.originalUri}
          modifiedModelPath={modifiedUri}
          keepCurrentOriginalModel
          keepCurrentModifiedModel
          loading={<Spinner label="Loading the editor" />}
          onMount={(diff) => {
            if (!tab.live) return;
            diff.getModifiedEditor().addAction({
              id: 'vaporform.files.save',
              label: 'File: Save',
              keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS],
              run: () => void controller.save(tab.path),
            });
          }}
        />
      )}
    </div>
  );
}
