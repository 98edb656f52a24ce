export { ProjectAccess } from './projectAccess.js';
export { registerProjectRoutes } from './routes.js';
export { ProjectsService, type InitialCheckpoint, type WorkspaceSeeder } from './service.js';
export { ProjectStore } from './store.js';
