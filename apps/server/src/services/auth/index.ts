export { LoginLimiter, type LoginLimiterOptions } from './loginLimiter.js';
export { PasswordHasher, owaspArgon2id, type Argon2Parameters } from './passwordHasher.js';
export { PreferencesService } from './preferencesService.js';
export { registerPreferencesRoutes } from './preferencesRoutes.js';
export { PreferencesStore } from './preferencesStore.js';
export { registerAuthRoutes, type AuthRoutesOptions } from './routes.js';
export { AuthService, toUser, type AuthServiceOptions, type IssuedSession } from './service.js';
export { AuthStore } from './store.js';
export { UserDirectory, type DirectoryUser } from './userDirectory.js';
