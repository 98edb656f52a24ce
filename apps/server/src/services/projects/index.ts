export { ProjectAccess } from './projectAccess.js';
export { ProjectStore } from './store.js';
