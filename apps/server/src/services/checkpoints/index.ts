export {
  CheckpointService,
  type CheckpointAuthor,
  type CheckpointDiff,
  type CheckpointFile,
  type CheckpointServiceOptions,
  type PushOutcome,
  type PushPreparation,
  type RestoreResult,
} from './checkpointService.js';
export {
  gitHttpBackend,
  type GitHttpExit,
  type GitHttpRequest,
  type GitHttpResponse,
} from './gitHttpBackend.js';
export { registerCheckpointRoutes, type CheckpointRoutesOptions } from './routes.js';
