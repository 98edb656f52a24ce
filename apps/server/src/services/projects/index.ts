export { ProjectAccess } from './projectAccess.js';
export { registerProjectRoutes } from './routes.js';
export { ProjectsService, slugify, type InitialCheckpoint, type WorkspaceSeeder } from './service.js';
export { ProjectStore } from './store.js';
