export { registerTemplateRoutes } from './routes.js';
export { manifestFileName, TemplateRegistry, type Template } from './templateRegistry.js';
