import { Editor } from '@monaco-editor/react';
import type { editor, IDisposable } from 'monaco-editor';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Spinner } from '../../ui/Spinner';
import type { EditorsController, FileState, Reveal } from './editorsController';
import { useSharedModels } from './sharedModelsContext';
import { addSaveAction, monaco } from './monacoSetup';

/** One Monaco editor for every open file: switching tabs swaps its model and restores its view state. */
export function CodeEditor({
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
  reveal: Reveal | null;
  files: ReadonlyMap<string, FileState>;
}) {
  const editorRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  const viewStates = useRef(new Map<string, editor.ICodeEditorViewState | null>());
  const [ready, setReady] = useState(false);
  const sharedModels = useSharedModels();
  const sharing = useRef<IDisposable | null>(null);
  // The editor goes with this component; its part in the shared documents goes first.
  useEffect(
    () => () => {
      sharing.current?.dispose();
      sharing.current = null;
    },
    [],
  );

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

  useEffect(() => {
    const open = new Set([...files.values()].map((file) => file.uri));
    for (const uri of viewStates.current.keys()) if (!open.has(uri)) viewStates.current.delete(uri);
  }, [files]);

  // The explorer, search or quick open asked for a position: apply it once the file is showing.
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
          addSaveAction(instance, () => void controller.saveActive());
          // Remote cursors, this person's selection for the others, and undo of their own edits only.
          sharing.current?.dispose();
          sharing.current = sharedModels?.attachEditor(instance) ?? null;
          editorRef.current = instance;
          setReady(true);
        }}
      />
    </div>
  );
}
