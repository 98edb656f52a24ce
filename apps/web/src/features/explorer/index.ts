export { ExplorerView } from './ExplorerView';
