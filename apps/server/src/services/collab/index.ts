export { registerCollabRoutes } from './routes.js';
export { ProjectSocketService, type ProjectSocketServiceOptions } from './projectSocketService.js';
