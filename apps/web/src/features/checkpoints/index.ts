export { CheckpointsView } from './CheckpointsView';
