export { rotateSecretsCommand, type RotateCommandOptions } from './rotateCommand.js';
export { DotenvImport, type DotenvWorkspace } from './dotenvImport.js';
export { registerSecretsRoutes } from './routes.js';
export { identityMask, secretMask, type SecretMask } from './secretMask.js';
export {
  SecretsService,
  type RotationCounts,
  type RotationReport,
  type SecretActor,
  type SecretsServiceOptions,
} from './service.js';
export { SecretStore } from './store.js';
