import type { editor } from 'monaco-editor';
import type { CollabFile } from '../collab';
import { languageForPath } from './language';
import { minimalEdits } from './minimalEdits';
import { monaco } from './monacoSetup';
import type { MonacoSharedModels } from './sharedModels';
import type { ModelHost, TextModelHandle } from './textModels';

/** `file:///src/app.ts` — encoded, so `#`, `?` and spaces in names stay part of the path. */
export function fileUri(path: string): string {
  return monaco.Uri.file(`/${path}`).toString();
}

function languageOf(path: string): string {
  return languageForPath(path, monaco.languages.getLanguages());
}

function handle(model: editor.ITextModel): TextModelHandle {
  return {
    uri: model.uri.toString(),
    getText: () => model.getValue(),
    version: () => model.getAlternativeVersionId(),
    replaceText(text) {
      // Keep the model's line endings unless the file switched all of its own.
      const crlf = text.includes('\r\n');
      const eol = model.getEOL();
      if (crlf && eol === '\n' && !/(^|[^\r])\n/.test(text))
        model.pushEOL(monaco.editor.EndOfLineSequence.CRLF);
      if (!crlf && eol === '\r\n' && text.includes('\n')) model.pushEOL(monaco.editor.EndOfLineSequence.LF);
      const normalized = text.replace(/\r?\n/g, model.getEOL());
      const edits = minimalEdits(model.getValue(), normalized);
      if (edits.length === 0) return;
      model.pushStackElement();
      model.pushEditOperations(
        [],
        edits.map((edit) => ({
          range: monaco.Range.fromPositions(model.getPositionAt(edit.start), model.getPositionAt(edit.end)),
          text: edit.text,
        })),
        () => null,
      );
      model.pushStackElement();
    },
    onDidChange(listener) {
      const subscription = model.onDidChangeContent(() => listener());
      return () => subscription.dispose();
    },
    dispose() {
      // After React has unmounted the editors showing it: a diff editor throws if its model goes first.
      setTimeout(() => {
        if (!model.isDisposed()) model.dispose();
      }, 0);
    },
  };
}

let snapshots = 0;

function createFileModel(path: string, text: string): editor.ITextModel {
  const uri = monaco.Uri.file(`/${path}`);
  // A model left behind for this URI (a closed editor that is still being torn down) would clash.
  monaco.editor.getModel(uri)?.dispose();
  return monaco.editor.createModel(text, languageOf(path), uri);
}

/**
 * Models for the editors: one per open file at its `file:///` URI (bound to the file's shared document
 * through `shared` when it has one), and throwaway ones for diffs.
 */
export function monacoModelHost(shared: MonacoSharedModels): ModelHost {
  return {
    createFileModel(path, text) {
      return handle(createFileModel(path, text));
    },
    createSharedModel(path: string, file: CollabFile) {
      const model = createFileModel(path, file.text.toJSON());
      const unbind = shared.bind(model, file);
      const modelHandle = handle(model);
      return {
        ...modelHandle,
        dispose() {
          unbind();
          modelHandle.dispose();
        },
      };
    },
    createSnapshotModel(path, text) {
      const uri = monaco.Uri.from({ scheme: 'vaporform-snapshot', path: `/${++snapshots}/${path}` });
      return handle(monaco.editor.createModel(text, languageOf(path), uri));
    },
  };
}
