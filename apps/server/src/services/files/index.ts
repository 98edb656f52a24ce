export { registerFilesRoutes, type FilesRoutesOptions } from './routes.js';
export { FilesService, type FileContent, type FilesServiceOptions, type WriteResult } from './service.js';
export { normalizeRelativePath, WorkspacePath } from './workspacePath.js';
export { linearRegExp } from './linearRegExp.js';
export { WorkspaceWatcher } from './workspaceWatcher.js';
