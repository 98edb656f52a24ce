export { registerCollabRoutes } from './routes.js';
export { ProjectSocketService, type ProjectSocketServiceOptions } from './projectSocketService.js';
export { CoEditingService, type CoEditingServiceOptions } from './coEditingService.js';
