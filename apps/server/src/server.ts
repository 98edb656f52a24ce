import path from 'node:path';
import { pino, type Logger } from 'pino';
import { CacheManager } from './platform/cache/CacheManager.js';
import { MemoryCache } from './platform/cache/MemoryCache.js';
import type { Config } from './platform/config/config.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { openDatabase, type Database } from './platform/db/openDatabase.js';
import type { EventBus } from './platform/events/EventBus.js';
import { InProcessEventBus } from './platform/events/InProcessEventBus.js';
import { createHttpApp, type HttpApp } from './platform/http/createHttpApp.js';
import { registerHealthRoutes } from './platform/http/healthRoutes.js';
import { registerWebAssets } from './platform/http/webAssets.js';
import { AuditLog } from './platform/audit/AuditLog.js';
import { EnvelopeCipher } from './platform/crypto/EnvelopeCipher.js';
import { loadKeyring } from './platform/crypto/loadKeyring.js';
import { DisposableStore, toDisposable } from './platform/lifecycle/DisposableStore.js';
import { loggerOptions } from './platform/logger/loggerOptions.js';
import { subscribeProjectLifecycle } from './projectLifecycle.js';
import {
  AuthService,
  AuthStore,
  LoginLimiter,
  PasswordHasher,
  PreferencesService,
  PreferencesStore,
  registerAuthRoutes,
  registerPreferencesRoutes,
  UserDirectory,
} from './services/auth/index.js';
import type { Argon2Parameters, LoginLimiterOptions } from './services/auth/index.js';
import { createAgentService, registerAgentRoutes } from './services/agent/index.js';
import { CheckpointService, registerCheckpointRoutes } from './services/checkpoints/index.js';
import {
  CoEditingService,
  ProjectSocketService,
  registerCollabRoutes,
  type CoEditingServiceOptions,
  type ProjectSocketServiceOptions,
} from './services/collab/index.js';
import {
  ContainersService,
  InstallRecords,
  openContainerRuntime,
  registerContainerRoutes,
  ResourcePlans,
  type OpenedRuntime,
  type SupervisorTiming,
} from './services/containers/index.js';
import { FilesService, registerFilesRoutes, WorkspaceWatcher } from './services/files/index.js';
import {
  ProjectAccess,
  ProjectsService,
  ProjectStore,
  registerProjectRoutes,
} from './services/projects/index.js';
import {
  PreviewGateway,
  PreviewReports,
  PreviewTokens,
  registerPreviewRoutes,
} from './services/preview/index.js';
import {
  DotenvImport,
  registerSecretsRoutes,
  SecretsService,
  SecretStore,
} from './services/secrets/index.js';
import { registerTemplateRoutes, TemplateRegistry } from './services/templates/index.js';
import {
  registerTerminalRoutes,
  TerminalService,
  type TerminalServiceOptions,
} from './services/terminal/index.js';

export interface ServerPaths {
  migrationsDir: string;
  webDistDir: string;
  templatesDir: string;
  /** `scripts/images.mjs`, which builds a missing stack image; null where the server ships without it. */
  imagesScript: string | null;
}

/** What tests may swap: each has a production default built from `Config`. */
export interface ServerOverrides {
  logger?: Logger;
  database?: Database;
  argon2?: Argon2Parameters;
  loginLimits?: LoginLimiterOptions;
  /** The container runtime (default: chosen by `VAPORFORM_RUNTIME`). */
  containerRuntime?: OpenedRuntime;
  containerTiming?: Partial<SupervisorTiming>;
  terminals?: Pick<TerminalServiceOptions, 'graceMs' | 'idleMs' | 'sweepMs' | 'scrollbackBytes'>;
  coEditing?: Pick<
    CoEditingServiceOptions,
    'sweepMs' | 'saveDelayMs' | 'maxSaveDelayMs' | 'unloadGraceMs' | 'maxDocumentBytes'
  >;
  projectSockets?: Pick<
    ProjectSocketServiceOptions,
    'sweepMs' | 'maxSubscriptionsPerSocket' | 'maxSocketsPerUser' | 'maxBufferedBytes'
  >;
}

export interface Server {
  app: HttpApp;
  database: Database;
  events: EventBus;
  cache: CacheManager;
  containers: ContainersService;
  secrets: SecretsService;
  coEditing: CoEditingService;
  /** Stops accepting, closes sockets, then releases everything in reverse order of creation. */
  close(): Promise<void>;
}

export const serverVersion = '0.1.0';

/**
 * The composition root: config → stores → services → HTTP. Everything with a lifecycle is added to one
 * DisposableStore, so `close()` is the single way down.
 */
export async function createServer(
  config: Config,
  paths: ServerPaths,
  overrides: ServerOverrides = {},
): Promise<Server> {
  const disposables = new DisposableStore();
  const logger = overrides.logger ?? pino(loggerOptions(config.logLevel));
  try {
    // First: a key file others can read stops start-up before anything else is opened.
    const keys = await loadKeyring({ configured: config.secretKeys, dataDir: config.dataDir });
    if (keys.created) {
      logger.warn({ keyFile: keys.keyFile }, 'generated the secrets key file: back it up with the database');
    }
    const database =
      overrides.database ??
      (await openDatabase({
        databaseUrl: config.databaseUrl,
        pgliteDataDir: path.join(config.dataDir, 'db'),
      }));
    disposables.add(toDisposable(() => database.close()));
    const applied = await migrateToLatest(database.db, paths.migrationsDir);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');

    const events = new InProcessEventBus((error, name) =>
      logger.error({ err: error, event: name }, 'event handler failed'),
    );
    const cache = new CacheManager({ memory: new MemoryCache() });
    const secrets = disposables.add(
      new SecretsService({
        store: new SecretStore(database.db),
        cipher: new EnvelopeCipher(keys.keyring),
        audit: new AuditLog(database.db),
        events,
      }),
    );

    const authStore = new AuthStore(database.db);
    const auth = new AuthService({
      store: authStore,
      hasher: new PasswordHasher(overrides.argon2),
      limiter: new LoginLimiter(overrides.loginLimits),
      cache,
      sessionDays: config.sessionDays,
      initialSignupMode: config.initialSignupMode,
    });
    const projectStore = new ProjectStore(database.db);
    const projectAccess = new ProjectAccess(projectStore);
    const templates = await TemplateRegistry.load(paths.templatesDir);
    const files = new FilesService({
      workspacesDir: path.join(config.dataDir, 'workspaces'),
      scratchDir: path.join(config.dataDir, 'tmp'),
      maxFileBytes: config.maxFileBytes,
    });
    const watcher = disposables.add(
      new WorkspaceWatcher(
        events,
        (projectId) => files.workspaceDir(projectId),
        (error) => logger.warn({ err: error }, 'workspace watcher failed'),
      ),
    );
    const checkpoints = new CheckpointService({
      checkpointsDir: path.join(config.dataDir, 'checkpoints'),
      onMaintenanceError: (error) => logger.warn({ err: error }, 'checkpoint maintenance failed'),
    });
    const users = new UserDirectory(authStore);
    const projects = new ProjectsService({
      store: projectStore,
      templates,
      workspaces: files,
      checkpoints,
      users,
      events,
    });
    const opened = overrides.containerRuntime ?? (await openContainerRuntime(config.runtime));
    if (opened.runtime) disposables.add(opened.runtime);
    if (opened.note) logger.warn(opened.note);
    const resourcePlans = new ResourcePlans(database.db);
    const containers = disposables.add(
      new ContainersService({
        runtime: opened.runtime,
        runtimeKind: opened.kind,
        ...(opened.note === undefined ? {} : { unavailableReason: opened.note }),
        projects: {
          describe: async (projectId) => {
            const project = await projects.get(projectId, 'admin', null);
            return { project, template: templates.get(project.templateId).manifest };
          },
          mayUseUnisolatedRuntime: async (userId) =>
            config.localRuntimeMultiUser || (await users.instanceOwnerId()) === userId,
        },
        imagesScript: paths.imagesScript,
        installs: new InstallRecords(database.db),
        events,
        logger,
        workspaceDir: (projectId) => files.workspaceDir(projectId),
        resourcePlan: () => resourcePlans.options(),
        previewHost: config.previewHost,
        ...(config.extraCaCertsFile === undefined ? {} : { extraCaCertsFile: config.extraCaCertsFile }),
        sandboxRuntime: config.sandboxRuntime,
        secrets,
        idleMs: config.idleMinutes * 60_000,
        ...(overrides.containerTiming === undefined ? {} : { timing: overrides.containerTiming }),
      }),
    );
    const terminals = disposables.add(
      new TerminalService({
        openTty: (projectId, principal, command, options) =>
          containers.openTty(projectId, principal.userId, command, options),
        onActivity: (projectId) => containers.touch(projectId),
        permissionOf: (principal, projectId) => projectAccess.permissionOf(principal, projectId),
        credentialActive: (principal) => auth.credentialActive(principal),
        masker: (projectId) => secrets.masker(projectId),
        ...overrides.terminals,
      }),
    );
    const previewReports = new PreviewReports();
    const preferences = new PreferencesService(new PreferencesStore(database.db));
    const agent = await createAgentService(
      {
        settings: config.agent,
        db: database.db,
        events,
        files,
        containers,
        checkpoints,
        secrets,
        describeProject: async (projectId) => {
          const project = await projects.get(projectId, 'admin', null);
          return { name: project.name, template: templates.get(project.templateId).manifest };
        },
        permissionOf: (principal, projectId) => projectAccess.permissionOf(principal, projectId),
        previewErrors: (projectId) => previewReports.lines(projectId),
        reviewByDefault: async (userId) => (await preferences.get(userId)).agentReview,
        version: serverVersion,
        logger,
      },
      disposables,
    );
    const projectSockets = disposables.add(
      new ProjectSocketService({
        events,
        permissionOf: (principal, projectId) => projectAccess.permissionOf(principal, projectId),
        credentialActive: (principal) => auth.credentialActive(principal),
        watchProject: (projectId) => watcher.watch(projectId),
        onError: (error, context) => logger.warn({ err: error, ...context }, 'project socket failure'),
        ...overrides.projectSockets,
      }),
    );
    // Disposed before the watcher and after the HTTP app: shutdown writes every pending edit first.
    const coEditing = disposables.add(
      new CoEditingService({
        files,
        events,
        authenticator: auth,
        permissionOf: (principal, projectId) => projectAccess.permissionOf(principal, projectId),
        credentialActive: (principal) => auth.credentialActive(principal),
        watchProject: (projectId) => watcher.watch(projectId),
        onError: (error, context) => logger.warn({ err: error, ...context }, 'co-editing failure'),
        ...overrides.coEditing,
      }),
    );
    for (const subscription of subscribeProjectLifecycle({
      events,
      projectAccess,
      terminals,
      projectSockets,
      coEditing,
      containers,
      watcher,
      checkpoints,
      files,
      autostart: config.autostart,
      logger,
    }))
      disposables.add(subscription);

    const previewTokens = await PreviewTokens.load(config.dataDir);
    const preview = disposables.add(
      new PreviewGateway({
        previewHost: config.previewHost,
        publicOrigin: config.publicUrl.origin,
        tokens: previewTokens,
        findBySlug: async (slug) => {
          const row = await projectStore.findBySlug(slug);
          return row ? { id: row.id, slug: row.slug, visibility: row.visibility } : null;
        },
        permissionOf: (principal, projectId) => projectAccess.permissionOf(principal, projectId),
        containerInfo: (projectId) => containers.info(projectId),
        start: (projectId, userId) => containers.start(projectId, userId),
        touch: (projectId) => containers.touch(projectId),
        reportErrors: config.previewReporter,
        logger,
      }),
    );

    for (const name of ['project.updated', 'project.deleted'] as const) {
      disposables.add(events.subscribe(name, () => preview.forgetProjects()));
    }

    const app = await createHttpApp({
      hostInterceptor: preview,
      logger,
      bodyLimitBytes: config.bodyLimitBytes,
      trustProxy: config.trustProxy,
      origin: {
        publicOrigin: config.publicUrl.origin,
        isForeignHost: (host) => host.endsWith(`.${config.previewHost}`) || host === config.previewHost,
      },
      authenticator: auth,
      projects: projectAccess,
      version: serverVersion,
    });
    disposables.add(toDisposable(() => app.close()));

    // Any authorized request about a project counts as someone looking at it (hibernation waits for quiet).
    app.addHook('onResponse', async (request) => {
      if (request.projectId !== null) containers.touch(request.projectId);
    });
    registerHealthRoutes(app, [{ name: 'database', check: () => database.ping() }]);
    registerAuthRoutes(app, { service: auth, secureCookies: config.publicUrl.protocol === 'https:' });
    registerPreferencesRoutes(app, preferences);
    registerTemplateRoutes(app, templates);
    registerProjectRoutes(app, projects);
    registerSecretsRoutes(
      app,
      secrets,
      new DotenvImport({ secrets, workspace: files, audit: new AuditLog(database.db) }),
    );
    registerFilesRoutes(app, {
      files,
      watcher,
      scratchDir: path.join(config.dataDir, 'tmp'),
      maxUploadBytes: config.maxFileBytes,
      maxImportBytes: config.maxImportBytes,
    });
    registerContainerRoutes(app, containers, resourcePlans);
    registerTerminalRoutes(app, terminals);
    registerCollabRoutes(app, projectSockets, coEditing);
    registerAgentRoutes(app, agent);
    registerPreviewRoutes(app, {
      gateway: preview,
      tokens: previewTokens,
      reports: previewReports,
      slugOf: async (projectId) => (await projects.get(projectId, 'read', null)).slug,
    });
    registerCheckpointRoutes(app, {
      checkpoints,
      workspaceDir: (projectId) => files.workspaceDir(projectId),
    });
    await registerWebAssets(app, paths.webDistDir, `${config.publicUrl.protocol}//*.${config.previewHost}`);
    await app.ready();

    if (opened.runtime) {
      // Containers an earlier server process left running get their supervisors back (in the background).
      const runtime = opened.runtime;
      void runtime
        .runningProjects()
        .then((projectIds) => containers.adoptRunning(projectIds))
        .then((adopted) => adopted > 0 && logger.info({ adopted }, 'adopted running project containers'))
        .catch((error: unknown) => logger.warn({ err: error }, 'could not adopt running containers'));
    }

    return {
      app,
      database,
      events,
      cache,
      containers,
      secrets,
      coEditing,
      close: () => disposables.dispose(),
    };
  } catch (error) {
    await disposables.dispose().catch(() => undefined);
    throw error;
  }
}
