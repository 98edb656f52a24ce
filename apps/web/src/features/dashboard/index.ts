export { DashboardPage } from './DashboardPage';
/** Also used by the project settings page's danger zone. */
export { DeleteProjectDialog } from './DeleteProjectDialog';
