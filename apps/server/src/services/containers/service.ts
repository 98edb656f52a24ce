import type { ContainerInfo, ContainerLogLine, Project, TemplateManifest } from '@vaporform/contracts';
import type { Logger } from 'pino';
import { AppError } from '../../platform/errors/AppError.js';
import type { EventBus } from '../../platform/events/EventBus.js';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';
import {
  traefikLabels,
  type ContainerRuntime,
  type ContainerSpec,
  type ContainerStats,
  type ExecOptions,
  type ExecResult,
  type HostAddress,
  type LogStream,
  type PipeOptions,
  type PipeSession,
  type SandboxRuntime,
  type TtyOptions,
  type TtySession,
} from './containerRuntime.js';
import { probeHttp } from './appProbe.js';
import { ContainerSecrets, type SecretSource } from './containerSecrets.js';
import { hash, installKey } from './installKey.js';
import type { InstallRecords } from './installRecords.js';
import { ProjectSupervisor, type PreparedRuntime, type SupervisorTiming } from './projectSupervisor.js';
import { resourcesFor, type ResourcePlanOptions } from './resourcePlan.js';
import { projectImage } from './projectImage.js';
import { resolveRuntimeProfile } from './runtimeProfile.js';
import { StackImages } from './stackImages.js';
import { stoppedInfo } from './stoppedInfo.js';
import { claimWorkspace } from './workspaceOwnership.js';

function notRunning(): AppError {
  return new AppError('conflict', 'The project is not running: start it first');
}

/** Labels a container with the hash of what it was created from: a different spec means a new container. */
export const specLabel = 'dev.vaporform.spec';

/**
 * The container's main process: an idle keeper. Install and dev commands run beside it (`startProcess`), so
 * an app crash or a rebuild never takes the terminals down with it. Exits at once on SIGTERM.
 */
export const keeperCommand = [
  '/bin/sh',
  '-c',
  'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done',
];

export interface ProjectLookup {
  /** The project and the template it was created from (`not_found` if it is gone). */
  describe(projectId: string): Promise<{ project: Project; template: TemplateManifest }>;
  /** May this user run projects on a runtime without isolation? (The local driver serves one user.) */
  mayUseUnisolatedRuntime(userId: string): Promise<boolean>;
}

export interface ContainersServiceOptions {
  /** null when no runtime could be set up: every container call answers `unavailable` with the reason. */
  runtime: ContainerRuntime | null;
  runtimeKind: ContainerInfo['runtime'];
  unavailableReason?: string;
  projects: ProjectLookup;
  /** Builds a missing stack image (`scripts/images.mjs`); null where the server ships without it. */
  imagesScript: string | null;
  installs: InstallRecords;
  events: EventBus;
  logger: Logger;
  workspaceDir: (projectId: string) => string;
  resourcePlan: () => Promise<ResourcePlanOptions>;
  previewHost: string;
  extraCaCertsFile?: string;
  sandboxRuntime?: SandboxRuntime;
  /** Stop a running project after this long without activity; 0 keeps it running. */
  idleMs: number;
  timing?: Partial<SupervisorTiming>;
  /** Whether the app answers (default: any HTTP response to GET `healthPath`). */
  probe?: (address: HostAddress, healthPath: string) => Promise<boolean>;
  /** Project secrets: injected as environment variables, masked in what comes back out. */
  secrets?: SecretSource;
}

const defaultTiming: SupervisorTiming = {
  installTimeoutMs: 15 * 60_000,
  restartDelayMs: 1_000,
  maxRestartDelayMs: 30_000,
  maxRestarts: 5,
  stableAfterMs: 60_000,
  rebuildDebounceMs: 400,
};

/**
 * The Containers service: one `ProjectSupervisor` per project that has been started, on whichever
 * `ContainerRuntime` this server uses. Hibernates idle projects and adopts the containers an earlier
 * server process left running.
 */
export class ContainersService implements Disposable {
  readonly #supervisors = new Map<string, ProjectSupervisor>();
  readonly #timing: SupervisorTiming;
  readonly #sweeper: NodeJS.Timeout | null;
  readonly #images: StackImages | null;
  readonly #secrets: ContainerSecrets;

  constructor(private readonly options: ContainersServiceOptions) {
    this.#secrets = new ContainerSecrets(options.secrets, options);
    this.#images =
      options.runtime && new StackImages({ runtime: options.runtime, buildScript: options.imagesScript });
    this.#timing = { ...defaultTiming, ...options.timing };
    this.#sweeper =
      options.idleMs > 0
        ? setInterval(() => void this.#hibernateIdle(), Math.min(60_000, options.idleMs / 2))
        : null;
    this.#sweeper?.unref();
  }

  get available(): boolean {
    return this.options.runtime !== null;
  }

  async info(projectId: string): Promise<ContainerInfo> {
    const supervisor = this.#supervisors.get(projectId);
    if (supervisor) return this.#secrets.describe(supervisor.info());
    const { template } = await this.options.projects.describe(projectId);
    const reason = this.options.runtime === null ? (this.options.unavailableReason ?? null) : null;
    return stoppedInfo(projectId, this.options.runtimeKind, template.port, reason);
  }

  /** Starts or wakes the project's runtime; answers at once, or once it settled when given `waitMs`. */
  async start(projectId: string, callerId: string, waitMs = 0): Promise<ContainerInfo> {
    const runtime = this.#runtime();
    await this.options.projects.describe(projectId);
    await this.#checkIsolation(callerId);
    const supervisor = this.#supervisor(projectId, runtime);
    supervisor.touch();
    supervisor.start();
    if (waitMs > 0) await supervisor.settled(waitMs);
    return this.#secrets.describe(supervisor.info());
  }

  async stop(projectId: string): Promise<ContainerInfo> {
    this.#runtime();
    const supervisor = this.#supervisors.get(projectId);
    if (!supervisor) return this.info(projectId);
    await supervisor.stop('user');
    return this.#secrets.describe(supervisor.info());
  }

  async restart(projectId: string, callerId: string, waitMs = 0): Promise<ContainerInfo> {
    await this.#checkIsolation(callerId);
    const supervisor = this.#supervisors.get(projectId);
    if (supervisor) await supervisor.stop('user');
    return this.start(projectId, callerId, waitMs);
  }

  /** The container log (install and dev output included); following keeps the stream open. */
  async logs(
    projectId: string,
    options: { tail: number; follow: boolean; since?: Date },
  ): Promise<LogStream | ContainerLogLine[]> {
    const runtime = this.#runtime();
    const containerId =
      this.#supervisors.get(projectId)?.containerId ?? (await runtime.findByProject(projectId))?.id;
    if (containerId === undefined || containerId === null) return [];
    return this.#secrets.maskLogs(projectId, await runtime.logs(containerId, options));
  }

  /**
   * One resource sample of the project's container. Only a running container has one to give: otherwise
   * (stopped, still being created, or no runtime on this server at all) it is `conflict`, like `openTty`.
   */
  async stats(projectId: string): Promise<ContainerStats> {
    if (this.options.runtime === null) throw notRunning();
    const { runtime, containerId } = await this.#running(projectId);
    return runtime.stats(containerId);
  }

  /** Runs a command to completion in the project's running container (the agent uses this). */
  async exec(
    projectId: string,
    callerId: string,
    command: string[],
    options?: ExecOptions,
  ): Promise<ExecResult> {
    await this.#checkIsolation(callerId);
    const { runtime, containerId } = await this.#running(projectId);
    return this.#secrets.maskExec(projectId, await runtime.exec(containerId, command, options));
  }

  /** An interactive shell (or `command`) on a pseudo-terminal in the project's running container. */
  async openTty(
    projectId: string,
    callerId: string,
    command: string[],
    options: TtyOptions,
  ): Promise<TtySession> {
    await this.#checkIsolation(callerId);
    const { runtime, containerId } = await this.#running(projectId);
    return runtime.openTty(containerId, command, options);
  }

  /** A command on plain pipes (stdin, stdout, stderr) in the project's running container, e.g. an MCP server. */
  async openPipe(
    projectId: string,
    callerId: string,
    command: string[],
    options?: PipeOptions,
  ): Promise<PipeSession> {
    await this.#checkIsolation(callerId);
    const { runtime, containerId } = await this.#running(projectId);
    return runtime.openPipe(containerId, command, options);
  }

  /**
   * The local runtime runs commands as the server's own user on the host: whoever runs one could read every
   * workspace and the server's data. It serves the instance owner only, unless an administrator said otherwise.
   */
  async #checkIsolation(callerId: string): Promise<void> {
    if (this.options.runtimeKind !== 'local') return;
    if (await this.options.projects.mayUseUnisolatedRuntime(callerId)) return;
    throw new AppError(
      'forbidden',
      'This server has no container engine, so projects run as plain processes on the host: only the ' +
        'instance owner may run them. An administrator can allow everyone with ' +
        'VAPORFORM_LOCAL_RUNTIME_MULTI_USER=unsafe (anyone running a project could then read the others’ files).',
    );
  }

  async #running(projectId: string): Promise<{ runtime: ContainerRuntime; containerId: string }> {
    const runtime = this.#runtime();
    const supervisor = this.#supervisors.get(projectId);
    const containerId = supervisor?.phase === 'stopped' ? null : (supervisor?.containerId ?? null);
    const status = containerId === null ? null : await runtime.inspect(containerId).catch(() => null);
    if (!status?.running) throw notRunning();
    this.touch(projectId);
    return { runtime, containerId: status.id };
  }

  /** Someone is looking at the project: it is not idle. */
  touch(projectId: string): void {
    this.#supervisors.get(projectId)?.touch();
  }

  fileChanged(projectId: string, path: string): void {
    this.#supervisors.get(projectId)?.fileChanged(path);
  }

  /** A project secret changed (`secrets.changed`): a running container is marked `restartRequired`. */
  async secretsChanged(projectId: string): Promise<void> {
    await this.#secrets.changed(this.#supervisors.get(projectId)?.info() ?? null);
  }

  async remove(projectId: string): Promise<void> {
    const runtime = this.options.runtime;
    if (runtime === null) return;
    const supervisor = this.#supervisors.get(projectId);
    this.#supervisors.delete(projectId);
    this.#secrets.forget(projectId);
    await supervisor?.remove();
    supervisor?.dispose();
    // A container created while the project was being deleted, or by an earlier server process.
    const leftover = await runtime.findByProject(projectId);
    if (leftover) await runtime.remove(leftover.id);
    await runtime.removeNetwork(projectId).catch(() => undefined);
    await this.options.installs.forget(projectId).catch(() => undefined);
  }

  /**
   * Takes over the containers an earlier server process left running: their dev servers are started again
   * (the old ones are found by their marker and ended), so status, crash restarts and hibernation work.
   */
  async adoptRunning(projectIds: Iterable<string>): Promise<number> {
    const runtime = this.options.runtime;
    if (runtime === null) return 0;
    let adopted = 0;
    for (const projectId of projectIds) {
      const existing = await runtime.findByProject(projectId).catch(() => null);
      if (!existing?.running || this.#supervisors.has(projectId)) continue;
      this.#supervisor(projectId, runtime).start();
      adopted++;
    }
    return adopted;
  }

  dispose(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
    for (const supervisor of this.#supervisors.values()) supervisor.dispose();
    this.#supervisors.clear();
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────────────

  #runtime(): ContainerRuntime {
    if (this.options.runtime === null) {
      throw new AppError(
        'unavailable',
        this.options.unavailableReason ?? 'No container runtime is available',
      );
    }
    return this.options.runtime;
  }

  #supervisor(projectId: string, runtime: ContainerRuntime): ProjectSupervisor {
    let supervisor = this.#supervisors.get(projectId);
    if (supervisor) return supervisor;
    supervisor = new ProjectSupervisor({
      projectId,
      runtime,
      runtimeKind: this.options.runtimeKind,
      events: this.options.events,
      logger: this.options.logger,
      prepare: (onProgress) => this.#prepare(projectId, runtime, onProgress),
      lastInstallKey: () => this.options.installs.lastKey(projectId),
      recordInstall: (key) => this.options.installs.record(projectId, key),
      probe: this.options.probe ?? probeHttp,
      timing: this.#timing,
    });
    this.#supervisors.set(projectId, supervisor);
    return supervisor;
  }

  async #prepare(
    projectId: string,
    runtime: ContainerRuntime,
    onProgress: (message: string) => void,
  ): Promise<PreparedRuntime> {
    const { project, template } = await this.options.projects.describe(projectId);
    const workspaceDir = this.options.workspaceDir(projectId);
    const profile = await resolveRuntimeProfile(workspaceDir, template);
    const images = this.#images ?? new StackImages({ runtime, buildScript: null });
    const { image, imageId } = await projectImage({ projectId, profile, runtime, images, onProgress });
    const resources = resourcesFor(profile.stack, await this.options.resourcePlan());
    const spec: ContainerSpec = {
      projectId,
      image,
      env: await this.#secrets.environment(projectId, {
        ...profile.env,
        PORT: profile.env.PORT ?? String(profile.port),
      }),
      workspaceDir,
      appPort: profile.port,
      resources,
      ...(this.options.extraCaCertsFile === undefined
        ? {}
        : { extraCaCertsFile: this.options.extraCaCertsFile }),
      ...(this.options.sandboxRuntime === undefined ? {} : { runtime: this.options.sandboxRuntime }),
      labels: traefikLabels({
        projectId,
        slug: project.slug,
        previewHost: this.options.previewHost,
        appPort: profile.port,
      }),
      command: keeperCommand,
    };
    const specHash = hash(JSON.stringify({ ...spec, imageId }));
    spec.labels = { ...spec.labels, [specLabel]: specHash };

    onProgress('Starting the container');
    let existing = await runtime.findByProject(projectId);
    if (existing && existing.labels[specLabel] !== specHash) {
      await runtime.remove(existing.id);
      existing = null;
    }
    const containerId = existing?.id ?? (await runtime.create(spec));
    let status = existing?.running ? existing : null;
    const fresh = status === null;
    if (status === null) {
      // Container processes run as uid 1000 (local ones as the server's user, who owns the files already).
      // Only now, with nothing running in the container: a process there could otherwise swap a directory
      // for a symlink to the host while the walk is under way.
      if (this.options.runtimeKind === 'docker') await claimWorkspace(workspaceDir);
      await runtime.start(containerId);
      status = await runtime.inspect(containerId);
    }
    return {
      profile,
      containerId,
      image,
      resources,
      installKey: async () =>
        profile.install === null ? null : installKey(workspaceDir, profile, imageId, status),
      fresh,
    };
  }

  async #hibernateIdle(): Promise<void> {
    const cutoff = Date.now() - this.options.idleMs;
    for (const [projectId, supervisor] of this.#supervisors) {
      // On its way up is not idle: the clock starts again when it is running (see ProjectSupervisor).
      const settled = supervisor.phase === 'running' || supervisor.phase === 'crashed';
      if (!settled || supervisor.lastActivity > cutoff) continue;
      await supervisor
        .stop('idle')
        .catch((error: unknown) => this.options.logger.warn({ err: error, projectId }, 'hibernate failed'));
    }
  }
}
