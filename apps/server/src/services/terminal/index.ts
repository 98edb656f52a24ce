export { registerTerminalRoutes } from './routes.js';
export { shellCommand, TerminalService, type TerminalServiceOptions } from './terminalService.js';
