import { chown, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import { KeyedMutex } from '../../platform/concurrency/KeyedMutex.js';
import { AppError } from '../../platform/errors/AppError.js';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';
import {
  containerUser,
  projectLabel,
  projectResourceName,
  type ContainerEvent,
  type ContainerProcess,
  type ContainerRuntime,
  type ContainerSpec,
  type ContainerState,
  type ContainerStats,
  type ContainerStatus,
  type EventSubscriptionOptions,
  type ExecOptions,
  type ExecResult,
  type HostAddress,
  type ImageBuildRequest,
  type LogOptions,
  type LogStream,
  type PipeOptions,
  type PipeSession,
  type ProcessOptions,
  type TtyOptions,
  type TtySession,
} from './containerRuntime.js';
import { dockerCall, dockerFailure, isDockerStatus } from './dockerErrors.js';
import { DockerEventSubscription } from './dockerEvents.js';
import { toContainerStats } from './dockerStats.js';
import { DockerExecutor } from './dockerExecutor.js';
import { buildDockerImage } from './dockerImageBuild.js';
import { DockerLogStream, type Demuxer } from './dockerStreams.js';
import { hardenedCreateOptions } from './hardenedCreateOptions.js';
import { checkObjectId, validateSpec } from './validateSpec.js';

export interface DockerRuntimeOptions {
  /** A configured client; default: the local socket. */
  docker?: Docker;
  /** Default `/var/run/docker.sock`. */
  socketPath?: string;
  /** json-file rotation: size of one file (Docker syntax, default `10m`) and how many are kept (default 3). */
  logMaxSize?: string;
  logMaxFiles?: number;
  /** Default exec timeout (60 s) and the most a caller may ask for (30 min). */
  execTimeoutMs?: number;
  maxExecTimeoutMs?: number;
  /** Default per-stream output cap of an exec (1 MiB). */
  maxOutputBytes?: number;
  /** Default grace period of stop/restart before SIGKILL (10 s). */
  stopTimeoutSeconds?: number;
}

const knownStates = new Set<ContainerState>([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
]);

function toStatus(info: Docker.ContainerInspectInfo): ContainerStatus {
  const state = knownStates.has(info.State.Status as ContainerState)
    ? (info.State.Status as ContainerState)
    : 'dead';
  const never = (value: string | undefined) =>
    value === undefined || value.startsWith('0001-') ? null : value;
  const finishedAt = never(info.State.FinishedAt);
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    projectId: info.Config.Labels?.[projectLabel] ?? '',
    image: info.Config.Image,
    state,
    running: info.State.Running,
    exitCode: finishedAt === null ? null : info.State.ExitCode,
    oomKilled: info.State.OOMKilled,
    startedAt: never(info.State.StartedAt),
    finishedAt,
    labels: info.Config.Labels ?? {},
  };
}

/**
 * The Docker driver: one hardened container per project on a network of its own. See README.md for the
 * hardening list and why each item is there; `dockerRuntime.test.ts` checks it on a real daemon.
 */
export class DockerRuntime implements ContainerRuntime {
  readonly #docker: Docker;
  readonly #modem: Demuxer;
  readonly #options: Required<Omit<DockerRuntimeOptions, 'docker' | 'socketPath'>>;
  readonly #networks = new KeyedMutex();
  readonly #live = new Set<Disposable>();
  readonly #executor: DockerExecutor;
  #runtimes: Promise<Set<string>> | null = null;
  #disposed = false;

  constructor(options: DockerRuntimeOptions = {}) {
    this.#docker = options.docker ?? new Docker({ socketPath: options.socketPath ?? '/var/run/docker.sock' });
    // `modem` is typed `any` by @types/dockerode.
    this.#modem = this.#docker.modem;
    this.#options = {
      logMaxSize: options.logMaxSize ?? '10m',
      logMaxFiles: options.logMaxFiles ?? 3,
      execTimeoutMs: options.execTimeoutMs ?? 60_000,
      maxExecTimeoutMs: options.maxExecTimeoutMs ?? 30 * 60_000,
      maxOutputBytes: options.maxOutputBytes ?? 1024 * 1024,
      stopTimeoutSeconds: options.stopTimeoutSeconds ?? 10,
    };
    this.#executor = new DockerExecutor({
      modem: this.#modem,
      execTimeoutMs: this.#options.execTimeoutMs,
      maxExecTimeoutMs: this.#options.maxExecTimeoutMs,
      maxOutputBytes: this.#options.maxOutputBytes,
      track: (item) => this.#track(item),
      untrack: (item) => this.#live.delete(item),
    });
  }

  async ping(): Promise<void> {
    try {
      await this.#docker.ping();
    } catch (error) {
      throw new AppError('unavailable', 'The container engine is not reachable', { cause: error });
    }
  }

  async imageId(image: string): Promise<string | null> {
    try {
      return (await this.#docker.getImage(image).inspect()).Id;
    } catch (error) {
      if (isDockerStatus(error, 404)) return null;
      throw dockerFailure(error, { notFound: 'Image' });
    }
  }

  buildImage(request: ImageBuildRequest): Promise<string> {
    return buildDockerImage(this.#docker, request);
  }

  // ── networks ──────────────────────────────────────────────────────────────────────────────────────────

  async #findNetwork(name: string): Promise<Docker.NetworkInspectInfo | undefined> {
    // The name filter matches substrings: pick the exact one.
    const networks = await dockerCall(() => this.#docker.listNetworks({ filters: { name: [name] } }));
    return networks.find((network) => network.Name === name);
  }

  ensureNetwork(projectId: string): Promise<string> {
    checkObjectId(projectId, 'project id');
    const name = projectResourceName(projectId);
    return this.#networks.run(projectId, async () => {
      const existing = await this.#findNetwork(name);
      if (existing) return existing.Id;
      try {
        const network = await this.#docker.createNetwork({
          Name: name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Internal: false,
          Attachable: false,
          EnableIPv6: false,
          Labels: { [projectLabel]: projectId },
        });
        return network.id;
      } catch (error) {
        // Another server replica created it first.
        if (isDockerStatus(error, 409)) {
          const created = await this.#findNetwork(name);
          if (created) return created.Id;
        }
        throw dockerFailure(error, { notFound: 'Network' });
      }
    });
  }

  removeNetwork(projectId: string): Promise<void> {
    checkObjectId(projectId, 'project id');
    const name = projectResourceName(projectId);
    return this.#networks.run(projectId, async () => {
      const existing = await this.#findNetwork(name);
      if (!existing) return;
      try {
        await this.#docker.getNetwork(existing.Id).remove();
      } catch (error) {
        if (isDockerStatus(error, 404)) return;
        throw dockerFailure(error, { conflict: 'The project network is still in use by a container' });
      }
    });
  }

  // ── containers ────────────────────────────────────────────────────────────────────────────────────────

  async #checkHostPaths(spec: ContainerSpec): Promise<void> {
    const workspace = await stat(spec.workspaceDir).catch(() => null);
    if (!workspace?.isDirectory()) throw new AppError('not_found', 'Workspace directory not found');
    // The container user must be able to write its workspace. A root server can arrange that for the top
    // directory; below it, files are the files service's (which writes as the container user's owner).
    if (
      process.getuid?.() === 0 &&
      (workspace.uid !== containerUser.uid || workspace.gid !== containerUser.gid)
    ) {
      await chown(spec.workspaceDir, containerUser.uid, containerUser.gid);
    }
    if (spec.extraCaCertsFile !== undefined) {
      const bundle = await stat(spec.extraCaCertsFile).catch(() => null);
      if (!bundle?.isFile()) throw new AppError('not_found', 'CA certificates file not found');
    }
  }

  async #checkSandboxRuntime(name: string): Promise<void> {
    this.#runtimes ??= dockerCall(async () => {
      const info = (await this.#docker.info()) as { Runtimes?: Record<string, unknown> };
      return new Set(Object.keys(info.Runtimes ?? {}));
    });
    let runtimes: Set<string>;
    try {
      runtimes = await this.#runtimes;
    } catch (error) {
      this.#runtimes = null;
      throw error;
    }
    if (!runtimes.has(name)) {
      this.#runtimes = null; // an operator may install it without restarting us
      throw new AppError('unavailable', `The ${name} runtime is not installed on this Docker host`);
    }
  }

  async create(spec: ContainerSpec): Promise<string> {
    validateSpec(spec);
    await this.#checkHostPaths(spec);
    if (spec.runtime === 'runsc') await this.#checkSandboxRuntime('runsc');
    await this.ensureNetwork(spec.projectId);
    const container = await dockerCall(
      () =>
        this.#docker.createContainer(
          hardenedCreateOptions(spec, {
            maxSize: this.#options.logMaxSize,
            maxFiles: this.#options.logMaxFiles,
          }),
        ),
      {
        notFound: `Image ${spec.image}`,
        conflict: 'This project already has a container',
      },
    );
    return container.id;
  }

  #container(containerId: string): Docker.Container {
    checkObjectId(containerId);
    return this.#docker.getContainer(containerId);
  }

  async start(containerId: string): Promise<void> {
    const container = this.#container(containerId);
    try {
      await container.start();
    } catch (error) {
      if (isDockerStatus(error, 304)) return; // already running
      throw dockerFailure(error);
    }
  }

  async stop(containerId: string, options: { timeoutSeconds?: number } = {}): Promise<void> {
    const container = this.#container(containerId);
    try {
      await container.stop({ t: options.timeoutSeconds ?? this.#options.stopTimeoutSeconds });
    } catch (error) {
      if (isDockerStatus(error, 304)) return; // already stopped
      throw dockerFailure(error);
    }
  }

  async restart(containerId: string, options: { timeoutSeconds?: number } = {}): Promise<void> {
    const container = this.#container(containerId);
    await dockerCall(() =>
      container.restart({ t: options.timeoutSeconds ?? this.#options.stopTimeoutSeconds }),
    );
  }

  async remove(containerId: string): Promise<void> {
    const container = this.#container(containerId);
    try {
      // `v` also removes anonymous volumes an image's VOLUME lines created.
      await container.remove({ force: true, v: true });
    } catch (error) {
      if (isDockerStatus(error, 404)) return;
      throw dockerFailure(error, { conflict: 'The container is already being removed' });
    }
  }

  async inspect(containerId: string): Promise<ContainerStatus> {
    const container = this.#container(containerId);
    return toStatus(await dockerCall(() => container.inspect()));
  }

  async findByProject(projectId: string): Promise<ContainerStatus | null> {
    checkObjectId(projectId, 'project id');
    const name = projectResourceName(projectId);
    const found = await dockerCall(() =>
      this.#docker.listContainers({ all: true, filters: { label: [`${projectLabel}=${projectId}`] } }),
    );
    const mine = found.find((summary) => summary.Names.includes(`/${name}`));
    if (!mine) return null;
    try {
      return toStatus(await this.#docker.getContainer(mine.Id).inspect());
    } catch (error) {
      if (isDockerStatus(error, 404)) return null; // removed in between
      throw dockerFailure(error);
    }
  }

  async runningProjects(): Promise<string[]> {
    const found = await dockerCall(() =>
      this.#docker.listContainers({ filters: { label: [projectLabel], status: ['running'] } }),
    );
    return found.flatMap((summary) => {
      const projectId = summary.Labels[projectLabel];
      return projectId !== undefined && summary.Names.includes(`/${projectResourceName(projectId)}`)
        ? [projectId]
        : [];
    });
  }

  // ── processes ─────────────────────────────────────────────────────────────────────────────────────

  exec(containerId: string, command: string[], options?: ExecOptions): Promise<ExecResult> {
    return this.#executor.exec(this.#container(containerId), command, options);
  }

  openTty(containerId: string, command: string[], options: TtyOptions): Promise<TtySession> {
    return this.#executor.openTty(this.#container(containerId), command, options);
  }

  openPipe(containerId: string, command: string[], options?: PipeOptions): Promise<PipeSession> {
    return this.#executor.openPipe(this.#container(containerId), command, options);
  }

  startProcess(containerId: string, command: string[], options?: ProcessOptions): Promise<ContainerProcess> {
    return this.#executor.startProcess(this.#container(containerId), command, options);
  }

  killProcesses(containerId: string, marker: string): Promise<void> {
    return this.#executor.kill(this.#container(containerId), marker);
  }

  // ── logs, stats, address, events ──────────────────────────────────────────────────────────────────────

  async logs(containerId: string, options: LogOptions = {}): Promise<LogStream> {
    const container = this.#container(containerId);
    const base = {
      stdout: true,
      stderr: true,
      timestamps: true,
      ...(options.tail === undefined ? {} : { tail: Math.max(0, Math.floor(options.tail)) }),
      ...(options.since === undefined ? {} : { since: options.since.getTime() / 1000 }),
    };
    const source: Readable = options.follow
      ? ((await dockerCall(() => container.logs({ ...base, follow: true }))) as Readable)
      : Readable.from([await dockerCall(() => container.logs({ ...base, follow: false }))]);
    const stream: DockerLogStream = new DockerLogStream(source, this.#modem, () => this.#live.delete(stream));
    this.#track(stream);
    return stream;
  }

  async stats(containerId: string): Promise<ContainerStats> {
    const container = this.#container(containerId);
    return toContainerStats(await dockerCall(() => container.stats({ stream: false })));
  }

  async appAddress(containerId: string): Promise<HostAddress | null> {
    const container = this.#container(containerId);
    const info = await dockerCall(() => container.inspect());
    if (!info.State.Running) return null;
    const requested = Object.keys((info.HostConfig.PortBindings ?? {}) as Record<string, unknown>);
    const ports = (info.NetworkSettings.Ports ?? {}) as Record<
      string,
      { HostIp: string; HostPort: string }[] | null
    >;
    for (const key of requested) {
      const binding = ports[key]?.find((candidate) => candidate.HostIp === '127.0.0.1');
      if (binding) return { host: binding.HostIp, port: Number(binding.HostPort) };
    }
    return null;
  }

  async subscribe(
    projectId: string,
    handler: (event: ContainerEvent) => void,
    options: EventSubscriptionOptions = {},
  ): Promise<Disposable> {
    checkObjectId(projectId, 'project id');
    const subscription: DockerEventSubscription = new DockerEventSubscription(
      this.#docker,
      projectId,
      handler,
      options,
      () => this.#live.delete(subscription),
    );
    await subscription.connect();
    this.#track(subscription);
    return subscription;
  }

  #track(item: Disposable): void {
    if (this.#disposed) {
      void Promise.resolve(item.dispose());
      throw new AppError('unavailable', 'The container runtime is shutting down');
    }
    this.#live.add(item);
  }

  /** Closes every log stream, event subscription and terminal still open (containers keep running). */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await Promise.allSettled([...this.#live].map(async (item) => item.dispose()));
    this.#live.clear();
  }
}
