export { ProjectSettingsPage } from './ProjectSettingsPage';
