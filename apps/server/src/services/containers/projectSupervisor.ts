import type { ContainerInfo, ContainerPhase, StopReason } from '@vaporform/contracts';
import type { Logger } from 'pino';
import { AppError } from '../../platform/errors/AppError.js';
import type { EventBus } from '../../platform/events/EventBus.js';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';
import type {
  ContainerProcess,
  ContainerResources,
  ContainerRuntime,
  HostAddress,
} from './containerRuntime.js';
import { isEnvironmentFile, type RuntimeProfile } from './runtimeProfile.js';

/** What one boot of a project's runtime resolved to. */
export interface PreparedRuntime {
  profile: RuntimeProfile;
  containerId: string;
  image: string;
  resources: ContainerResources;
  /**
   * What the install depends on, read now (null when there is no install command). Read again after an
   * install: package managers rewrite their lock files.
   */
  installKey(): Promise<string | null>;
  /** The container was started just now: nothing of an earlier server process can be running in it. */
  fresh: boolean;
}

export interface SupervisorDependencies {
  projectId: string;
  runtime: ContainerRuntime;
  runtimeKind: ContainerInfo['runtime'];
  events: EventBus;
  logger: Logger;
  /** Image, container (created or reused) and install key; reports progress through `onProgress`. */
  prepare(onProgress: (message: string) => void): Promise<PreparedRuntime>;
  lastInstallKey(): Promise<string | undefined>;
  recordInstall(key: string): Promise<void>;
  /** Whether the app answers at `address` (any HTTP response counts). */
  probe(address: HostAddress, healthPath: string): Promise<boolean>;
  timing: SupervisorTiming;
}

export interface SupervisorTiming {
  installTimeoutMs: number;
  /** Backoff after a crash: first delay, doubling up to the maximum. */
  restartDelayMs: number;
  maxRestartDelayMs: number;
  /** Crashes in a row (each within `stableAfterMs` of its start) before giving up until the next change. */
  maxRestarts: number;
  stableAfterMs: number;
  /** Quiet time after a file change before a dev server that does not reload itself is restarted. */
  rebuildDebounceMs: number;
}

/** Thrown inside a boot that a newer start or a stop has replaced: it just stops. */
class Superseded extends Error {}

const logTailLines = 30;

/**
 * One project's runtime as a state machine: stopped → creating → installing → starting → running, or
 * crashed. Every start or stop bumps a generation; the steps of an older boot see it and give up, so a
 * stop during a long install never races the boot it interrupts.
 */
export class ProjectSupervisor implements Disposable {
  #phase: ContainerPhase = 'stopped';
  #message: string | null = null;
  #generation = 0;
  #prepared: PreparedRuntime | null = null;
  #address: HostAddress | null = null;
  #startedAt: string | null = null;
  #readyAt: string | null = null;
  #stopReason: StopReason | null = null;
  #exitCode: number | null = null;
  #restarts = 0;
  #crashesInRow = 0;
  #lastLogLines: string[] = [];
  #launchedAt = 0;
  /** The install or dev process now running. */
  #process: ContainerProcess | null = null;
  #timer: NodeJS.Timeout | null = null;
  #events: Disposable | null = null;
  #waiters = new Set<() => void>();
  #lastActivity = Date.now();
  #preparing: Promise<unknown> = Promise.resolve();
  #oomAt = 0;

  constructor(private readonly deps: SupervisorDependencies) {}

  get phase(): ContainerPhase {
    return this.#phase;
  }

  get lastActivity(): number {
    return this.#lastActivity;
  }

  touch(): void {
    this.#lastActivity = Date.now();
  }

  get containerId(): string | null {
    return this.#prepared?.containerId ?? null;
  }

  info(): ContainerInfo {
    const profile = this.#prepared?.profile;
    return {
      projectId: this.deps.projectId,
      status: this.#phase,
      message: this.#message,
      runtime: this.deps.runtimeKind,
      environment: profile?.environment ?? 'template',
      image: this.#prepared?.image ?? null,
      appPort: profile?.port ?? 0,
      address: this.#phase === 'running' || this.#phase === 'starting' ? this.#address : null,
      startedAt: this.#startedAt,
      readyAt: this.#readyAt,
      stopReason: this.#stopReason,
      exitCode: this.#exitCode,
      restarts: this.#restarts,
      lastLogLines: this.#lastLogLines,
      resources: {
        memoryBytes: this.#prepared?.resources.memoryBytes ?? 0,
        cpus: this.#prepared?.resources.cpus ?? 0,
      },
    };
  }

  /** Starts (or wakes) the runtime; a no-op while it is already on its way up or running. */
  start(): void {
    if (this.#phase !== 'stopped' && this.#phase !== 'crashed') return;
    this.#restarts = 0;
    this.#crashesInRow = 0;
    this.#boot();
  }

  /** Resolves once the runtime is running, crashed or stopped, or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<void> {
    const done = () => this.#phase === 'running' || this.#phase === 'crashed' || this.#phase === 'stopped';
    if (done()) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, timeoutMs);
      const waiter = () => {
        if (done()) finish();
      };
      function finish() {
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve();
      }
      const waiters = this.#waiters;
      waiters.add(waiter);
    });
  }

  async stop(reason: StopReason): Promise<void> {
    const containerId = this.containerId;
    const wasUp = this.#phase !== 'stopped';
    this.#supersede();
    await this.#killProcess();
    try {
      if (containerId !== null) await this.deps.runtime.stop(containerId);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'not_found')) {
        // The app is gone either way (killed above); say what failed rather than claim it still runs.
        this.#address = null;
        this.#setPhase('crashed', `Stopping the container failed: ${(error as Error).message}`);
        throw error;
      }
    }
    this.#address = null;
    this.#stopReason = reason;
    this.#setPhase('stopped', reason === 'idle' ? 'Hibernated after a while without viewers' : null);
    if (wasUp && containerId !== null) {
      await this.deps.events.publish('container.stopped', {
        projectId: this.deps.projectId,
        containerId,
        reason,
      });
    }
  }

  async restart(): Promise<void> {
    await this.stop('user');
    this.start();
  }

  /** Stops and deletes the container and its network: the project is going away. */
  async remove(): Promise<void> {
    const containerId = this.containerId;
    await this.stop('removed');
    if (containerId !== null) await this.deps.runtime.remove(containerId);
    await this.deps.runtime.removeNetwork(this.deps.projectId).catch(() => undefined);
  }

  /**
   * A file in the workspace changed. A manifest or environment change (devcontainer.json, Dockerfile) means
   * prepare, install and relaunch; a dev server that does not reload by itself is relaunched; a crashed app
   * gets another chance (the change may be the fix).
   */
  fileChanged(path: string): void {
    const profile = this.#prepared?.profile;
    if (!profile) return;
    const manifest = profile.dependencyFiles.includes(path) || isEnvironmentFile(path);
    const relaunch =
      (this.#phase === 'crashed' && this.#stopReason === 'crashed') ||
      ((this.#phase === 'running' || this.#phase === 'starting') && (manifest || !profile.reloadsItself));
    if (!relaunch) return;
    const prepared = this.#prepared;
    this.#schedule(this.deps.timing.rebuildDebounceMs, () => {
      const generation = this.#generation;
      void (async () => {
        // The install itself rewrites lock files: a manifest that matches what was installed changes nothing.
        const unchanged =
          manifest &&
          !isEnvironmentFile(path) &&
          prepared &&
          !(await this.#needsInstall(prepared).catch(() => true));
        // Stopped or restarted while the key was read: that decision stands.
        if (generation !== this.#generation || this.#phase === 'stopped') return;
        if (unchanged && this.#phase !== 'crashed') return;
        this.#crashesInRow = 0;
        if ((manifest && !unchanged) || this.#phase === 'crashed') this.#boot();
        else this.#relaunchDev();
      })();
    });
  }

  /** Server shutdown: stop watching; the container keeps running and is adopted by the next server. */
  dispose(): void {
    this.#supersede();
    for (const waiter of this.#waiters) waiter();
  }

  // ── the boot sequence ────────────────────────────────────────────────────────────────────────────────

  #boot(): void {
    const generation = this.#supersede();
    this.#stopReason = null;
    this.#exitCode = null;
    this.#lastLogLines = [];
    this.#readyAt = null;
    // At once, not after the first await: a caller that waits for the runtime to settle must see it moving.
    this.#setPhase('creating', 'Preparing the environment');
    void this.#run(generation, async () => {
      await this.#killProcess();
      // One prepare at a time: two would both create the container. A stop that came meanwhile wins.
      const prepared = await this.#serialized(() =>
        this.deps.prepare((message) => {
          if (generation === this.#generation) this.#setPhase('creating', message);
        }),
      );
      if (generation !== this.#generation) {
        if (this.#phase === 'stopped')
          await this.deps.runtime.stop(prepared.containerId).catch(() => undefined);
        throw new Superseded();
      }
      this.#prepared = prepared;
      this.#startedAt = new Date().toISOString();
      const [, address] = await Promise.all([
        this.#watchContainer(prepared.containerId, generation),
        this.deps.runtime.appAddress(prepared.containerId),
      ]);
      this.#address = address;
      await this.#install(prepared, generation);
      await this.#launch(prepared, generation);
    });
  }

  #relaunchDev(): void {
    const prepared = this.#prepared;
    if (!prepared) return;
    const generation = this.#supersede();
    this.#readyAt = null;
    void this.#run(generation, async () => {
      await this.#killProcess();
      this.#check(generation);
      await this.#watchContainer(prepared.containerId, generation);
      await this.#launch(prepared, generation);
    });
  }

  async #run(generation: number, steps: () => Promise<void>): Promise<void> {
    try {
      await steps();
    } catch (error) {
      if (error instanceof Superseded || generation !== this.#generation) return;
      this.deps.logger.warn(
        { err: error, projectId: this.deps.projectId },
        'project runtime failed to start',
      );
      const message = error instanceof AppError ? error.message : 'The runtime failed to start';
      await this.#crashed(generation, null, message, false);
    }
  }

  async #install(prepared: PreparedRuntime, generation: number): Promise<void> {
    const command = prepared.profile.install;
    if (command === null || !(await this.#needsInstall(prepared))) return;
    this.#check(generation);
    this.#setPhase('installing', `Installing dependencies: ${command}`);
    const install = await this.#spawn(prepared.containerId, command, generation);
    let timer: NodeJS.Timeout | undefined;
    const exitCode = await Promise.race([
      install.exited,
      new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), this.deps.timing.installTimeoutMs)),
      ),
    ]);
    clearTimeout(timer);
    this.#check(generation);
    if (exitCode === 'timeout') {
      await install.dispose();
      throw new AppError(
        'unavailable',
        `The install did not finish within ${this.deps.timing.installTimeoutMs / 60_000} minutes`,
      );
    }
    this.#process = null;
    if (exitCode !== 0) {
      await this.#crashed(
        generation,
        exitCode,
        `The install failed (exit ${exitCode}): fix it and save a file to retry`,
        false,
      );
      throw new Superseded();
    }
    const installed = await prepared.installKey();
    if (installed !== null) await this.deps.recordInstall(installed);
  }

  async #needsInstall(prepared: PreparedRuntime): Promise<boolean> {
    const [current, last] = await Promise.all([prepared.installKey(), this.deps.lastInstallKey()]);
    return current !== null && current !== last;
  }

  async #launch(prepared: PreparedRuntime, generation: number): Promise<void> {
    const { dev, port, healthPath } = prepared.profile;
    this.#setPhase('starting', `Starting the app: ${dev}`);
    const app = await this.#spawn(prepared.containerId, dev, generation, {
      marker: `dev-${this.deps.projectId}`,
      // After a relaunch or an adoption, an earlier dev server may still run: end it first.
      killEarlier: !prepared.fresh || this.#launchedAt > 0,
    });
    this.#launchedAt = Date.now();
    void app.exited.then((exitCode) => {
      if (exitCode === null || this.#process !== app || generation !== this.#generation) return;
      this.#process = null;
      void this.#crashed(generation, exitCode, `The app exited with code ${exitCode}`, true);
    });
    // Fast polls while a dev server usually comes up, slower after; until it answers, exits or is replaced.
    for (let attempt = 0; ; attempt++) {
      this.#check(generation);
      if (this.#process !== app) return;
      this.#address ??= await this.deps.runtime.appAddress(prepared.containerId);
      if (this.#address && (await this.deps.probe(this.#address, healthPath))) break;
      if (attempt === 240)
        this.#setPhase('starting', `The app has not answered on port ${port} yet: see the logs`);
      await sleep(attempt < 100 ? 100 : attempt < 200 ? 250 : 1000);
    }
    this.#check(generation);
    this.#readyAt = new Date().toISOString();
    this.#lastActivity = Date.now();
    this.#setPhase('running', null);
    await this.deps.events.publish('container.started', {
      projectId: this.deps.projectId,
      containerId: prepared.containerId,
    });
  }

  async #spawn(
    containerId: string,
    command: string,
    generation: number,
    service?: { marker: string; killEarlier: boolean },
  ): Promise<ContainerProcess> {
    if (service?.killEarlier) await this.deps.runtime.killProcesses(containerId, service.marker);
    const spawned = await this.deps.runtime.startProcess(containerId, ['/bin/sh', '-c', command], {
      announce: `▸ ${command}`,
      ...(service === undefined ? {} : { marker: service.marker }),
    });
    if (generation !== this.#generation) {
      await spawned.dispose();
      throw new Superseded();
    }
    this.#process = spawned;
    return spawned;
  }

  /** Follows the container's own death (OOM, killed from outside): the whole runtime restarts. */
  async #watchContainer(containerId: string, generation: number): Promise<void> {
    if (this.#events) return;
    const subscription = await this.deps.runtime.subscribe(this.deps.projectId, (event) => {
      if (event.containerId !== containerId) return;
      // Docker reports `oom` for any process the kernel killed (a build in a terminal, say): the container
      // lives on. Remember it for the message if the container does die.
      if (event.kind === 'oom') {
        this.#oomAt = Date.now();
        return;
      }
      if (event.kind !== 'die') return;
      if (generation !== this.#generation && this.#phase === 'stopped') return;
      const message =
        Date.now() - this.#oomAt < 10_000
          ? 'The container ran out of memory'
          : `The container stopped unexpectedly (exit ${event.exitCode ?? 'unknown'})`;
      const process = this.#process;
      this.#process = null; // its exit must not count as a second crash
      this.#address = null;
      void process?.dispose().catch(() => undefined);
      void this.#crashed(this.#generation, event.exitCode ?? null, message, true, true);
    });
    // Superseded while subscribing: this subscription belongs to nobody.
    if (generation !== this.#generation || this.#events) {
      await subscription.dispose();
      return;
    }
    this.#events = subscription;
  }

  async #crashed(
    generation: number,
    exitCode: number | null,
    message: string,
    retry: boolean,
    wholeContainer = false,
  ): Promise<void> {
    if (generation !== this.#generation || this.#phase === 'stopped') return;
    const containerId = this.containerId;
    this.#exitCode = exitCode;
    this.#stopReason = 'crashed';
    this.#lastLogLines = containerId === null ? [] : await this.#logTail(containerId);
    if (generation !== this.#generation) return;
    if (Date.now() - this.#launchedAt >= this.deps.timing.stableAfterMs) this.#crashesInRow = 0;
    const giveUp = !retry || this.#crashesInRow >= this.deps.timing.maxRestarts;
    this.#setPhase(
      'crashed',
      giveUp && retry ? `${message}; it restarts when you save a file or press Restart` : message,
    );
    if (containerId !== null) {
      await this.deps.events.publish('container.stopped', {
        projectId: this.deps.projectId,
        containerId,
        reason: 'crashed',
      });
    }
    if (giveUp) return;
    const delay = Math.min(
      this.deps.timing.restartDelayMs * 2 ** this.#crashesInRow,
      this.deps.timing.maxRestartDelayMs,
    );
    this.#crashesInRow++;
    this.#schedule(delay, () => {
      this.#restarts++;
      if (wholeContainer) this.#boot();
      else this.#relaunchDev();
    });
  }

  async #logTail(containerId: string): Promise<string[]> {
    try {
      const lines: string[] = [];
      for await (const line of await this.deps.runtime.logs(containerId, { tail: logTailLines })) {
        lines.push(line.text);
      }
      return lines;
    } catch {
      return [];
    }
  }

  // ── small helpers ────────────────────────────────────────────────────────────────────────────────────

  #setPhase(phase: ContainerPhase, message: string | null): void {
    const changed = phase !== this.#phase || message !== this.#message;
    this.#phase = phase;
    this.#message = message;
    if (!changed) return;
    for (const waiter of [...this.#waiters]) waiter();
    void this.deps.events
      .publish('container.status', { projectId: this.deps.projectId, status: phase, message })
      .catch(() => undefined);
  }

  /** Ends whatever the previous boot was doing (its steps notice at their next check). */
  #supersede(): number {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    void Promise.resolve(this.#events?.dispose()).catch(() => undefined);
    this.#events = null;
    return ++this.#generation;
  }

  #serialized<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#preparing.then(task, task);
    this.#preparing = result.catch(() => undefined);
    return result;
  }

  #check(generation: number): void {
    if (generation !== this.#generation) throw new Superseded();
  }

  #schedule(delayMs: number, task: () => void): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      task();
    }, delayMs);
  }

  async #killProcess(): Promise<void> {
    const running = this.#process;
    this.#process = null;
    await running?.dispose().catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
