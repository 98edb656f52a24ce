export { EditorArea } from './EditorArea';
export { EditorsProvider } from './EditorsProvider';
export { EditorsContext, useEditors, type Editors } from './editorApi';
