export { registerTerminalRoutes } from './routes.js';
export { shellCommand } from './shellCommand.js';
export { TerminalService, type TerminalServiceOptions } from './terminalService.js';
