import type { editor, IDisposable } from 'monaco-editor';
import { MonacoBinding } from 'y-monaco';
import * as Y from 'yjs';
import type { CollabFile } from '../collab';
import { monaco } from './monacoSetup';

interface Bound {
  file: CollabFile;
  binding: MonacoBinding;
  /** The code editors y-monaco keeps the local selection of and draws remote cursors in. */
  editors: Set<editor.IStandaloneCodeEditor>;
  undo: Y.UndoManager;
}

/** Set while the editor shows a shared model: undo and redo then go through the document. */
const sharedContextKey = 'vaporform.sharedModel';

/**
 * The Monaco side of co-editing for one project: binds file models to their shared text with y-monaco,
 * and the code editor to those bindings.
 *
 * y-monaco only follows the editors it is given at construction (and never lets go of them), but our one
 * code editor mounts after the first file may be bound and outlives every binding. So each binding gets an
 * editor set of its own that starts empty, and this class adds the editor to it, publishes the local
 * selection to awareness and redraws remote cursors itself. Undo and redo use a `Y.UndoManager` of the
 * person's own edits: Monaco's undo stack cannot be used, as y-monaco applies remote edits outside it.
 */
export class MonacoSharedModels {
  private readonly bound = new Map<editor.ITextModel, Bound>();
  private readonly codeEditors = new Set<editor.IStandaloneCodeEditor>();

  bind(model: editor.ITextModel, file: CollabFile): () => void {
    const editors = new Set<editor.IStandaloneCodeEditor>();
    const binding = new MonacoBinding(file.text, model, editors, file.awareness);
    for (const codeEditor of this.codeEditors) editors.add(codeEditor);
    // y-monaco registers this only for the editors it was given; `destroy` removes it either way.
    file.awareness.on('change', binding._rerenderDecorations);
    const undo = new Y.UndoManager(file.text, { trackedOrigins: new Set([binding]) });
    const entry: Bound = { file, binding, editors, undo };
    this.bound.set(model, entry);
    binding._rerenderDecorations();
    for (const codeEditor of this.codeEditors) {
      if (codeEditor.getModel() === model) this.editorShows(codeEditor, entry);
    }
    return () => {
      if (this.bound.get(model) !== entry) return;
      this.bound.delete(model);
      undo.destroy();
      binding.destroy();
      file.awareness.setLocalStateField('selection', null);
    };
  }

  /** The code editor takes part in every binding, present and future, until the result is disposed. */
  attachEditor(codeEditor: editor.IStandaloneCodeEditor): IDisposable {
    this.codeEditors.add(codeEditor);
    for (const entry of this.bound.values()) {
      entry.editors.add(codeEditor);
      entry.binding._rerenderDecorations();
    }
    const isShared = codeEditor.createContextKey<boolean>(sharedContextKey, false);
    const onModel = codeEditor.onDidChangeModel((event) => {
      const before = event.oldModelUrl ? monaco.editor.getModel(event.oldModelUrl) : null;
      const left = before ? this.bound.get(before) : undefined;
      // Others see a cursor only in the file this person is looking at.
      left?.file.awareness.setLocalStateField('selection', null);
      const entry = this.entryOf(codeEditor);
      isShared.set(entry !== undefined);
      if (entry) this.editorShows(codeEditor, entry);
    });
    const onSelection = codeEditor.onDidChangeCursorSelection(() => {
      const entry = this.entryOf(codeEditor);
      if (entry) this.publishSelection(codeEditor, entry);
    });
    const run = (action: 'undo' | 'redo') => () => {
      const entry = this.entryOf(codeEditor);
      if (entry && !codeEditor.getOption(monaco.editor.EditorOption.readOnly)) entry.undo[action]();
    };
    const { KeyMod, KeyCode } = monaco;
    codeEditor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyZ, run('undo'), sharedContextKey);
    codeEditor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyY, run('redo'), sharedContextKey);
    codeEditor.addCommand(KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyZ, run('redo'), sharedContextKey);
    isShared.set(this.entryOf(codeEditor) !== undefined);
    return {
      dispose: () => {
        onModel.dispose();
        onSelection.dispose();
        this.codeEditors.delete(codeEditor);
        for (const entry of this.bound.values()) entry.editors.delete(codeEditor);
      },
    };
  }

  private entryOf(codeEditor: editor.IStandaloneCodeEditor): Bound | undefined {
    const model = codeEditor.getModel();
    return model ? this.bound.get(model) : undefined;
  }

  private editorShows(codeEditor: editor.IStandaloneCodeEditor, entry: Bound): void {
    entry.binding._rerenderDecorations();
    this.publishSelection(codeEditor, entry);
  }

  /** As y-monaco does for the editors it follows: the selection as positions relative to the shared text. */
  private publishSelection(codeEditor: editor.IStandaloneCodeEditor, entry: Bound): void {
    const model = codeEditor.getModel();
    const selection = codeEditor.getSelection();
    if (!model || !selection) return;
    let anchor = model.getOffsetAt(selection.getStartPosition());
    let head = model.getOffsetAt(selection.getEndPosition());
    if (selection.getDirection() === monaco.SelectionDirection.RTL) [anchor, head] = [head, anchor];
    entry.file.awareness.setLocalStateField('selection', {
      anchor: Y.createRelativePositionFromTypeIndex(entry.file.text, anchor),
      head: Y.createRelativePositionFromTypeIndex(entry.file.text, head),
    });
  }
}
