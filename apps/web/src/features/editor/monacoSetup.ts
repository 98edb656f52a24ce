import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import CssWorker from 'monaco-editor/languages/features/css/css.worker?worker';
import HtmlWorker from 'monaco-editor/languages/features/html/html.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';

/**
 * Monaco from this bundle, never from a CDN (there is none where Vaporform runs): the workers are built by
 * Vite and the React wrapper is told to use this very instance. Imported once, by the editor feature only,
 * which lives in the lazily loaded workbench chunk.
 */
self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    switch (label) {
      case 'json':
        return new JsonWorker();
      case 'css':
      case 'scss':
      case 'less':
        return new CssWorker();
      case 'html':
      case 'handlebars':
      case 'razor':
        return new HtmlWorker();
      case 'typescript':
      case 'javascript':
        return new TsWorker();
      default:
        return new EditorWorker();
    }
  },
};

loader.config({ monaco });

// TypeScript and JavaScript see every open file (`file:///…` models), like a project would.
const compilerOptions: monaco.typescript.CompilerOptions = {
  target: monaco.typescript.ScriptTarget.ESNext,
  module: monaco.typescript.ModuleKind.ESNext,
  // TypeScript 5's `bundler` (100); Monaco's enum predates it.
  moduleResolution: 100 as monaco.typescript.ModuleResolutionKind,
  jsx: monaco.typescript.JsxEmit.ReactJSX,
  allowJs: true,
  allowNonTsExtensions: true,
  allowImportingTsExtensions: true,
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
  resolveJsonModule: true,
  isolatedModules: true,
  noEmit: true,
  skipLibCheck: true,
};
// Packages' typings are in the container's node_modules, not here: "cannot find module" would be noise.
const diagnosticCodesToIgnore = [2307, 2792, 7016, 2875, 1479];
for (const defaults of [monaco.typescript.typescriptDefaults, monaco.typescript.javascriptDefaults]) {
  defaults.setCompilerOptions(compilerOptions);
  defaults.setEagerModelSync(true);
  // Suggestions ("may be inferred from usage") mostly point at the missing package typings too.
  defaults.setDiagnosticsOptions({
    noSemanticValidation: false,
    noSyntaxValidation: false,
    noSuggestionDiagnostics: true,
    diagnosticCodesToIgnore,
  });
}
monaco.json.jsonDefaults.setDiagnosticsOptions({
  validate: true,
  allowComments: true,
  trailingCommas: 'ignore',
  enableSchemaRequest: false,
});

/** Ctrl/Cmd+S as an action of the editor itself, so saving works whichever Monaco editor has focus. */
export function addSaveAction(instance: monaco.editor.IStandaloneCodeEditor, run: () => void): void {
  instance.addAction({
    id: 'vaporform.files.save',
    label: 'File: Save',
    keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS],
    run,
  });
}

export { monaco };
