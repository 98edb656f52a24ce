import type { Project } from '@vaporform/contracts';
import { useState } from 'react';
import { usePreferences } from '../../platform/preferences';
import { can } from '../../platform/projects';
import { Breadcrumbs } from './Breadcrumbs';
import { CodeEditor } from './CodeEditor';
import { DiffPane } from './DiffPane';
import { activeTabOf } from './editorsStore';
import { useEditorsController, useEditorsSnapshot } from './EditorsWith';
import { FileBanner } from './FileBanner';
import { FileMessage } from './FileMessage';
import { QuickOpen } from './QuickOpen';
import { SaveChangesDialog } from './SaveChangesDialog';
import { TabStrip } from './TabStrip';
import { useEditorCommands } from './useEditorCommands';
import { Watermark } from './Watermark';
import './editor.css';

/** Tabs and the editor (Monaco), with VS Code's watermark when nothing is open. */
export function EditorArea({ project }: { project: Project }) {
  const controller = useEditorsController();
  const snapshot = useEditorsSnapshot(controller);
  const preferences = usePreferences();
  const canWrite = can(project, 'write');
  const theme = preferences.theme === 'light' ? 'vs' : 'vs-dark';
  const [quickOpen, setQuickOpen] = useState(false);
  useEditorCommands(controller, { canWrite, openQuickOpen: () => setQuickOpen(true) });

  const active = activeTabOf(snapshot);
  const activeFile = active?.kind === 'file' ? snapshot.files.get(active.path) : undefined;
  const activeUri = activeFile?.status === 'ready' ? activeFile.uri : null;
  const fileTabs = snapshot.tabs.filter((tab) => tab.kind === 'file');

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
          {active && <Breadcrumbs tab={active} file={activeFile} canWrite={canWrite} />}
          {active?.kind === 'file' && activeFile && (
            <FileBanner controller={controller} file={activeFile} canWrite={canWrite} />
          )}
          <div className="editor-surface">
            {fileTabs.length > 0 && (
              <CodeEditor
                controller={controller}
                activeUri={activeUri}
                hidden={activeUri === null}
                theme={theme}
                fontSize={preferences.editorFontSize}
                readOnly={!canWrite || (activeFile?.readOnly ?? false)}
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
            {activeFile && activeFile.status !== 'ready' && (
              <FileMessage controller={controller} project={project} file={activeFile} />
            )}
          </div>
        </>
      )}
      <QuickOpen
        projectId={project.id}
        open={quickOpen}
        recent={fileTabs.map((tab) => tab.path)}
        onClose={() => setQuickOpen(false)}
        onPick={(path, position) => {
          setQuickOpen(false);
          controller.openFile(path, position);
        }}
      />
      <SaveChangesDialog
        controller={controller}
        pending={snapshot.tabs.find((tab) => tab.id === snapshot.pendingClose) ?? null}
      />
    </section>
  );
}
