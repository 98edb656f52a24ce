export { rotateSecretsCommand, type RotateCommandOptions } from './rotateCommand.js';
export { registerSecretsRoutes } from './routes.js';
export {
  SecretsService,
  type RotationCounts,
  type RotationReport,
  type SecretActor,
  type SecretsServiceOptions,
} from './service.js';
export { SecretStore } from './store.js';
