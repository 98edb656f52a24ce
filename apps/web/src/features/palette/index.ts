export { CommandPalette } from './CommandPalette';
export { rankCommands } from './rankCommands';
