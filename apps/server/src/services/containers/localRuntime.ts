import { randomUUID } from 'node:crypto';
import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KeyedMutex } from '../../platform/concurrency/KeyedMutex.js';
import { AppError } from '../../platform/errors/AppError.js';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';
import type {
  ContainerEvent,
  ContainerEventKind,
  ContainerProcess,
  ContainerRuntime,
  ContainerSpec,
  ContainerStats,
  ContainerStatus,
  EventSubscriptionOptions,
  ExecOptions,
  ExecResult,
  HostAddress,
  ImageBuildRequest,
  LogOptions,
  LogStream,
  PipeOptions,
  PipeSession,
  ProcessOptions,
  TtyOptions,
  TtySession,
} from './containerRuntime.js';
import { freeLoopbackPort } from './local/freeLoopbackPort.js';
import { LocalContainer, projectMarkerPrefix } from './local/localContainer.js';
import { LocalEvents } from './local/localEvents.js';
import { LocalExecutor } from './local/localExecutor.js';
import { LocalLogStream } from './local/logRing.js';
import { ProcessSet } from './local/processSet.js';
import { findExecutable } from './local/sandbox.js';
import { checkObjectId, validateSpec } from './validateSpec.js';

export interface LocalRuntimeOptions {
  /** Wrap every command in bubblewrap when `bwrap` is on the PATH (default true); false never does. */
  useBubblewrap?: boolean;
  /** Default exec timeout (60 s) and the most a caller may ask for (30 min). */
  execTimeoutMs?: number;
  maxExecTimeoutMs?: number;
  /** Default per-stream output cap of an exec (1 MiB). */
  maxOutputBytes?: number;
  /** Default grace period of stop/restart before SIGKILL (10 s). */
  stopTimeoutSeconds?: number;
  /** Lines of log kept per project (2000). */
  logLines?: number;
}

/** There are no images: the host's toolchain is what every project runs. */
const localImageId = 'local';
const localNetworkId = 'local';
/** On shutdown processes get this long to exit on SIGTERM before SIGKILL. */
const shutdownGraceMs = 2_000;
const defaultPath = '/usr/local/bin:/usr/bin:/bin';

/**
 * The driver for machines without Docker: a project's container is the set of processes it runs on the host,
 * in its workspace, with an environment of their own, a HOME of their own and the app on a loopback port
 * of its own. Inside bubblewrap when the host has it; otherwise only as isolated as the server's own user.
 * State lives in memory: after a server restart the service creates the containers anew.
 */
export class LocalRuntime implements ContainerRuntime {
  /** Whether commands run inside bubblewrap. */
  readonly sandboxed: boolean;
  readonly #bubblewrap: string | null;
  readonly #hostPath: string;
  readonly #options: Required<Omit<LocalRuntimeOptions, 'useBubblewrap'>>;
  readonly #containers = new Map<string, LocalContainer>();
  readonly #byProject = new Map<string, LocalContainer>();
  readonly #events = new LocalEvents();
  readonly #lifecycle = new KeyedMutex();
  readonly #live = new Set<Disposable>();
  readonly #executor: LocalExecutor;
  #disposed = false;

  constructor(options: LocalRuntimeOptions = {}) {
    this.#hostPath = process.env.PATH ?? defaultPath;
    this.#bubblewrap = options.useBubblewrap === false ? null : findExecutable('bwrap', this.#hostPath);
    this.sandboxed = this.#bubblewrap !== null;
    this.#options = {
      execTimeoutMs: options.execTimeoutMs ?? 60_000,
      maxExecTimeoutMs: options.maxExecTimeoutMs ?? 30 * 60_000,
      maxOutputBytes: options.maxOutputBytes ?? 1024 * 1024,
      stopTimeoutSeconds: options.stopTimeoutSeconds ?? 10,
      logLines: options.logLines ?? 2000,
    };
    this.#executor = new LocalExecutor({
      execTimeoutMs: this.#options.execTimeoutMs,
      maxExecTimeoutMs: this.#options.maxExecTimeoutMs,
      maxOutputBytes: this.#options.maxOutputBytes,
      track: (item) => this.#track(item),
      untrack: (item) => this.#live.delete(item),
    });
  }

  async ping(): Promise<void> {
    this.#checkOpen();
  }

  async imageId(_image: string): Promise<string | null> {
    return localImageId;
  }

  async buildImage(request: ImageBuildRequest): Promise<string> {
    request.onProgress?.(
      `The local runtime has no images: ${request.dockerfile} is not built, the host's toolchain is used`,
    );
    return localImageId;
  }

  async ensureNetwork(projectId: string): Promise<string> {
    checkObjectId(projectId, 'project id');
    return localNetworkId;
  }

  async removeNetwork(projectId: string): Promise<void> {
    checkObjectId(projectId, 'project id');
  }

  // ── containers ────────────────────────────────────────────────────────────────────────────────────────

  async create(spec: ContainerSpec): Promise<string> {
    this.#checkOpen();
    validateSpec(spec);
    if (spec.runtime === 'runsc') {
      // Asking for gVisor means asking for more isolation than this driver can give: do not pretend.
      throw new AppError('unavailable', 'The runsc runtime is not available on the local runtime');
    }
    this.#checkNoContainer(spec.projectId);
    const workspace = await stat(spec.workspaceDir).catch(() => null);
    if (!workspace?.isDirectory()) throw new AppError('not_found', 'Workspace directory not found');
    if (spec.extraCaCertsFile !== undefined) {
      const bundle = await stat(spec.extraCaCertsFile).catch(() => null);
      if (!bundle?.isFile()) throw new AppError('not_found', 'CA certificates file not found');
    }
    // Without bubblewrap's --die-with-parent, the services of a server process that crashed live on (and
    // hold their ports): the project can have no other container, so whatever carries its prefix goes.
    await new ProcessSet(projectMarkerPrefix(spec.projectId)).kill();
    const workspaceDir = await realpath(spec.workspaceDir);
    const port = await freeLoopbackPort();
    const homeDir = await mkdtemp(path.join(os.tmpdir(), 'vaporform-home-'));
    try {
      // Checked again: another create for the project may have got here during the awaits.
      this.#checkOpen();
      this.#checkNoContainer(spec.projectId);
    } catch (error) {
      await rm(homeDir, { recursive: true, force: true });
      throw error;
    }
    const container = new LocalContainer({
      id: randomUUID(),
      spec: structuredClone(spec),
      workspaceDir,
      homeDir,
      port,
      hostPath: this.#hostPath,
      bubblewrap: this.#bubblewrap,
      logLines: this.#options.logLines,
    });
    this.#containers.set(container.id, container);
    this.#byProject.set(spec.projectId, container);
    return container.id;
  }

  #checkNoContainer(projectId: string): void {
    if (this.#byProject.has(projectId)) {
      throw new AppError('conflict', 'This project already has a container');
    }
  }

  async start(containerId: string): Promise<void> {
    await this.#lifecycle.run(containerId, async () => {
      this.#checkOpen();
      const container = this.#container(containerId);
      if (container.state === 'running') return;
      container.markStarted();
      this.#emit(container, 'start');
    });
  }

  async stop(containerId: string, options: { timeoutSeconds?: number } = {}): Promise<void> {
    await this.#lifecycle.run(containerId, async () => {
      const container = this.#container(containerId);
      if (container.state !== 'running') return;
      await this.#halt(container, options.timeoutSeconds);
    });
  }

  async restart(containerId: string, options: { timeoutSeconds?: number } = {}): Promise<void> {
    await this.#lifecycle.run(containerId, async () => {
      this.#checkOpen();
      const container = this.#container(containerId);
      if (container.state === 'running') await this.#halt(container, options.timeoutSeconds);
      container.markStarted();
      this.#emit(container, 'start');
    });
  }

  async remove(containerId: string): Promise<void> {
    checkObjectId(containerId);
    await this.#lifecycle.run(containerId, async () => {
      const container = this.#containers.get(containerId);
      if (container === undefined) return;
      // Like `docker rm --force`: no grace period.
      if (container.state === 'running') await this.#halt(container, 0);
      else await container.processes.kill();
      this.#forget(container);
      await rm(container.homeDir, { recursive: true, force: true });
    });
  }

  /** Kills every process of the container: SIGTERM, SIGKILL after the grace period. */
  async #halt(container: LocalContainer, timeoutSeconds = this.#options.stopTimeoutSeconds): Promise<void> {
    container.accepting = false;
    const forced = await container.processes.terminate(Math.max(0, timeoutSeconds) * 1000);
    // The codes Docker reports for its idle keeper process: 143 ended by SIGTERM, 137 by SIGKILL.
    container.markExited(forced ? 137 : 143);
    this.#emit(container, 'die', container.exitCode ?? undefined);
  }

  #forget(container: LocalContainer): void {
    container.log.endFollowers();
    this.#containers.delete(container.id);
    if (this.#byProject.get(container.spec.projectId) === container) {
      this.#byProject.delete(container.spec.projectId);
    }
  }

  async inspect(containerId: string): Promise<ContainerStatus> {
    return this.#container(containerId).status();
  }

  async findByProject(projectId: string): Promise<ContainerStatus | null> {
    checkObjectId(projectId, 'project id');
    return this.#byProject.get(projectId)?.status() ?? null;
  }

  async runningProjects(): Promise<string[]> {
    return [...this.#byProject.values()]
      .filter((container) => container.state === 'running')
      .map((container) => container.spec.projectId);
  }

  #container(containerId: string): LocalContainer {
    checkObjectId(containerId);
    this.#checkOpen();
    const container = this.#containers.get(containerId);
    if (container === undefined) throw AppError.notFound('Container');
    return container;
  }

  // ── processes ─────────────────────────────────────────────────────────────────────────────────────────

  async exec(containerId: string, command: string[], options?: ExecOptions): Promise<ExecResult> {
    return this.#executor.exec(this.#container(containerId), command, options);
  }

  async openTty(containerId: string, command: string[], options: TtyOptions): Promise<TtySession> {
    return this.#executor.openTty(this.#container(containerId), command, options);
  }

  async openPipe(containerId: string, command: string[], options?: PipeOptions): Promise<PipeSession> {
    return this.#executor.openPipe(this.#container(containerId), command, options);
  }

  async startProcess(
    containerId: string,
    command: string[],
    options?: ProcessOptions,
  ): Promise<ContainerProcess> {
    return this.#executor.startProcess(this.#container(containerId), command, options);
  }

  async killProcesses(containerId: string, marker: string): Promise<void> {
    checkObjectId(containerId);
    // Best effort, like Docker's: a removed container has nothing left to kill.
    const container = this.#containers.get(containerId);
    if (container !== undefined) await this.#executor.kill(container, marker);
  }

  // ── logs, stats, address, events ──────────────────────────────────────────────────────────────────────

  async logs(containerId: string, options: LogOptions = {}): Promise<LogStream> {
    const container = this.#container(containerId);
    const lines = container.log.read(options);
    // As with Docker, following a stopped container's log returns what there is and ends.
    if (!options.follow || container.state !== 'running') {
      return new LocalLogStream(lines, false, container.log.capacity);
    }
    const stream = container.log.follow(lines, () => this.#live.delete(stream));
    this.#track(stream);
    return stream;
  }

  async stats(containerId: string): Promise<ContainerStats> {
    const container = this.#container(containerId);
    return container.processes.sample(container.spec.resources.memoryBytes);
  }

  async appAddress(containerId: string): Promise<HostAddress | null> {
    return this.#container(containerId).appAddress;
  }

  async subscribe(
    projectId: string,
    handler: (event: ContainerEvent) => void,
    options: EventSubscriptionOptions = {},
  ): Promise<Disposable> {
    checkObjectId(projectId, 'project id');
    this.#checkOpen();
    return this.#events.subscribe(projectId, handler, options);
  }

  #emit(container: LocalContainer, kind: ContainerEventKind, exitCode?: number): void {
    this.#events.emit(container.spec.projectId, container.id, kind, exitCode);
  }

  #checkOpen(): void {
    if (this.#disposed) throw new AppError('unavailable', 'The container runtime is shutting down');
  }

  #track(item: Disposable): void {
    if (this.#disposed) {
      void Promise.resolve(item.dispose());
      throw new AppError('unavailable', 'The container runtime is shutting down');
    }
    this.#live.add(item);
  }

  /**
   * The server is shutting down: unlike containers, these processes would outlive it unwatched (and
   * holding ports), so every one of them is killed, and the homes are removed with the state that knew them.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#events.clear();
    await Promise.allSettled([...this.#live].map(async (item) => item.dispose()));
    this.#live.clear();
    await Promise.allSettled(
      [...this.#containers.values()].map(async (container) => {
        container.accepting = false;
        await container.processes.terminate(shutdownGraceMs);
        if (container.state === 'running') container.markExited(143);
        this.#forget(container);
        await rm(container.homeDir, { recursive: true, force: true });
      }),
    );
  }
}
