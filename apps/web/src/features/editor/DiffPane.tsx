import { DiffEditor } from '@monaco-editor/react';
import type { editor } from 'monaco-editor';
import { useMemo } from 'react';
import { Spinner } from '../../ui/Spinner';
import { EditorLoading, EditorMessage } from './EditorMessage';
import type { DiffTab, EditorsController } from './editorsController';
import { addSaveAction } from './monacoSetup';

/** A checkpoint comparison or a save conflict, in Monaco's side-by-side diff editor. */
export function DiffPane({
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
  // A hidden diff that never loaded has nothing to keep; a loaded one stays mounted to keep its view.
  if (hidden && tab.status !== 'ready') return null;
  return (
    <div className="editor-diff" hidden={hidden} aria-label={`Changes in ${tab.path}`} role="region">
      {tab.status === 'loading' && <EditorLoading label="Loading the comparison" />}
      {tab.status === 'unavailable' && (
        <EditorMessage>
          <p>Binary or very large files cannot be compared.</p>
        </EditorMessage>
      )}
      {tab.status === 'error' && (
        <EditorMessage alert>
          <p>Could not load the comparison: {tab.error}</p>
        </EditorMessage>
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
            if (tab.live) addSaveAction(diff.getModifiedEditor(), () => void controller.save(tab.path));
          }}
        />
      )}
    </div>
  );
}
