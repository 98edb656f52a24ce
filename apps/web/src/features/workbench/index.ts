export { WorkbenchPage as default } from './WorkbenchPage';
