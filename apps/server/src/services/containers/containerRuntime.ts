import type { Duplex, Readable, Writable } from 'node:stream';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';

/** The user every project process runs as; workspaces must be writable by it. */
export const containerUser = { uid: 1000, gid: 1000 } as const;

/** Fixed paths inside every project container. */
export const containerPaths = {
  workspace: '/workspace',
  home: '/home/vaporform',
  tmp: '/tmp',
  /** Where `ContainerSpec.extraCaCertsFile` is mounted (read-only). */
  caBundle: '/etc/vaporform/ca-certificates.crt',
} as const;

/** The label that ties a container (and its network) to a project; events and clean-up filter on it. */
export const projectLabel = 'dev.vaporform.project';

/**
 * Set in the environment of every exec so that a timed-out or abandoned command, and everything it spawned,
 * can be found and killed inside the container (Docker has no API to signal an exec).
 */
export const execMarkerVariable = 'VAPORFORM_EXEC_ID';

/** The variables that point npm, Node, pip, requests and OpenSSL at `containerPaths.caBundle`. */
export const caBundleVariables = [
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'PIP_CERT',
  'REQUESTS_CA_BUNDLE',
] as const;

/** `runsc` is gVisor: a user-space kernel between the project and the host; it must be installed. */
export type SandboxRuntime = 'runc' | 'runsc';

export interface ContainerResources {
  /** Hard memory limit; swap is never added on top (memory + swap = this). */
  memoryBytes: number;
  /** CPU quota in cores, e.g. 0.5. */
  cpus: number;
  /** Maximum number of processes and threads: a fork bomb stops here. */
  pidsLimit: number;
  /** Size of the `/tmp` tmpfs (default: a quarter of the memory, at most 256 MiB). */
  tmpBytes?: number;
  /** Size of the home tmpfs (default: half of the memory, at most 512 MiB). */
  homeBytes?: number;
}

export interface ContainerSpec {
  projectId: string;
  image: string;
  /** The container's whole environment on top of the image's own: nothing of the server's is added. */
  env?: Record<string, string>;
  /** Absolute host path, bind-mounted read-write at `/workspace`. */
  workspaceDir: string;
  /** The port the app listens on inside; published on 127.0.0.1 with a random host port. */
  appPort: number;
  resources: ContainerResources;
  /** A PEM bundle on the host, mounted read-only and trusted by Node, npm, pip and OpenSSL inside. */
  extraCaCertsFile?: string;
  /** Default `runc`. */
  runtime?: SandboxRuntime;
  /** Added to the project label, e.g. `traefikLabels(…)` for a production gateway. */
  labels?: Record<string, string>;
  command?: string[];
  entrypoint?: string[];
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerStatus {
  id: string;
  name: string;
  projectId: string;
  image: string;
  state: ContainerState;
  running: boolean;
  /** The last exit code; null while it never exited. */
  exitCode: number | null;
  /** Whether the container's main process was killed for exceeding its memory. */
  oomKilled: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  labels: Record<string, string>;
}

export interface HostAddress {
  host: string;
  port: number;
}

export interface ExecOptions {
  /** Default `/workspace`. */
  workingDir?: string;
  env?: Record<string, string>;
  /** Written to the command's stdin, which is then closed. */
  input?: string | Buffer;
  /** The command and everything it started are killed after this long (default: the runtime's). */
  timeoutMs?: number;
  /** Each of stdout and stderr keeps at most this many bytes: the start and the end (default 1 MiB). */
  maxOutputBytes?: number;
  /** Aborting kills the command like a timeout does, and resolves with what was collected. */
  signal?: AbortSignal;
}

export interface ProcessOptions {
  /** Default `/workspace`. */
  workingDir?: string;
  env?: Record<string, string>;
  /** A line written to the container log before the command starts (e.g. `▸ npm install`). */
  announce?: string;
  /**
   * The kill marker (default: a fresh one). A stable marker lets a later server process find and end a
   * service an earlier one started (`killProcesses`).
   */
  marker?: string;
}

/** A long-running command (install, dev server) whose output goes to the container's log. */
export interface ContainerProcess extends Disposable {
  /** The exit code once it ends by itself; null when it was killed by `dispose`. */
  readonly exited: Promise<number | null>;
  /** Kills it and everything it started. */
  dispose(): Promise<void>;
}

export interface ExecResult {
  /** null when the command had not exited by itself (timed out or aborted). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when some output was dropped from the middle of stdout or stderr. */
  truncated: boolean;
}

export interface TtyOptions {
  cols: number;
  rows: number;
  workingDir?: string;
  env?: Record<string, string>;
}

/** An interactive process on a pseudo-terminal (a terminal tab). Disposing kills it and all it started. */
export interface TtySession extends Disposable {
  /** Raw terminal bytes both ways. */
  readonly stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /** The exit code once the process ends; null when it was killed by `dispose`. */
  readonly exited: Promise<number | null>;
  dispose(): Promise<void>;
}

export interface PipeOptions {
  /** Default `/workspace`. */
  workingDir?: string;
  env?: Record<string, string>;
}

/**
 * A long-lived command spoken to over plain pipes, no terminal (e.g. a stdio MCP server): bytes in on
 * `stdin`, stdout and stderr apart. Read both: output nobody reads stalls the command once pipes fill.
 * Disposing kills it and everything it started.
 */
export interface PipeSession extends Disposable {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** The exit code once it ends by itself; null when it was killed by `dispose`. */
  readonly exited: Promise<number | null>;
  dispose(): Promise<void>;
}

export interface LogOptions {
  /** Only the last N lines of what was logged so far (default: all). */
  tail?: number;
  /** Keep the stream open and deliver new lines as they are logged. */
  follow?: boolean;
  since?: Date;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** One line without its newline. */
  text: string;
  /** When Docker received it (RFC 3339 with nanoseconds). */
  time: string;
}

/** Iterate with `for await`; dispose to stop following. It ends by itself when not following. */
export interface LogStream extends Disposable, AsyncIterable<LogLine> {
  dispose(): void;
}

export interface ImageBuildRequest {
  /** The build context: a host directory (`node_modules` and `.git` at its top are left out). */
  contextDir: string;
  /** Relative to `contextDir`. */
  dockerfile: string;
  tag: string;
  args?: Record<string, string>;
  /** Build output, line by line. */
  onProgress?: (line: string) => void;
}

export interface ContainerStats {
  at: string;
  /** Percent of one core (200 = two cores busy). */
  cpuPercent: number;
  /** In use, page cache that can be dropped excluded (as `docker stats` shows it). */
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  pids: number;
}

export type ContainerEventKind = 'start' | 'die' | 'oom';

export interface ContainerEvent {
  kind: ContainerEventKind;
  projectId: string;
  containerId: string;
  /** For `die`: the main process's exit code. */
  exitCode?: number;
  time: Date;
}

export interface EventSubscriptionOptions {
  /** The event stream failed and is being re-established (events are replayed from the last one seen). */
  onError?: (error: unknown) => void;
}

/**
 * Runs one hardened container per project. Implementations: Docker (`DockerRuntime`); Kubernetes and the
 * local single-user driver come later. Failures are `AppError`s (`not_found`, `conflict`, `unavailable`, …).
 */
export interface ContainerRuntime extends Disposable {
  /** Throws `unavailable` when the engine does not answer. */
  ping(): Promise<void>;
  /** The local image's id, or null when it is not there. */
  imageId(image: string): Promise<string | null>;
  /** Builds an image from a Dockerfile (as root, with a memory cap); returns its id. */
  buildImage(request: ImageBuildRequest): Promise<string>;

  /** The project's own network (idempotent); returns its id. */
  ensureNetwork(projectId: string): Promise<string>;
  /** Idempotent; `conflict` while a container is still attached. */
  removeNetwork(projectId: string): Promise<void>;

  /** Creates (does not start) the project's container; `conflict` if the project already has one. */
  create(spec: ContainerSpec): Promise<string>;
  /** Starting a running container is a no-op. */
  start(containerId: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds`; stopping a stopped container is a no-op. */
  stop(containerId: string, options?: { timeoutSeconds?: number }): Promise<void>;
  restart(containerId: string, options?: { timeoutSeconds?: number }): Promise<void>;
  /** Kills and removes; removing a missing container is a no-op. */
  remove(containerId: string): Promise<void>;
  inspect(containerId: string): Promise<ContainerStatus>;
  /** The project's container, if it has one (e.g. after a server restart). */
  findByProject(projectId: string): Promise<ContainerStatus | null>;
  /** The projects whose containers are running now. */
  runningProjects(): Promise<string[]>;

  /** Runs a command to completion as the container user; never longer than the timeout. */
  exec(containerId: string, command: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Starts an interactive command (e.g. a shell) on a pseudo-terminal. */
  openTty(containerId: string, command: string[], options: TtyOptions): Promise<TtySession>;
  /** Starts a command with its stdin, stdout and stderr as pipes to the caller. */
  openPipe(containerId: string, command: string[], options?: PipeOptions): Promise<PipeSession>;
  /** Starts a service in the background; its output joins the container's log. */
  startProcess(containerId: string, command: string[], options?: ProcessOptions): Promise<ContainerProcess>;
  /** Kills every process started with `marker` (best effort, bounded). */
  killProcesses(containerId: string, marker: string): Promise<void>;

  logs(containerId: string, options?: LogOptions): Promise<LogStream>;
  /** One sample. */
  stats(containerId: string): Promise<ContainerStats>;
  /** Where the app port is published on the host (always loopback); null while the container is not running. */
  appAddress(containerId: string): Promise<HostAddress | null>;

  /** Start, die and OOM events of the project's containers, from now on; dispose to stop. */
  subscribe(
    projectId: string,
    handler: (event: ContainerEvent) => void,
    options?: EventSubscriptionOptions,
  ): Promise<Disposable>;
}

/** Docker object names for a project: the network and the container are both `vaporform-<projectId>`. */
export function projectResourceName(projectId: string): string {
  return `vaporform-${projectId}`;
}

/**
 * Router labels for a Traefik gateway in front of the Docker host: `<slug>.<previewHost>` → the app port
 * over the project's network. `previewHost` may carry a port (`preview.localhost:4000`); the rule omits it.
 */
export function traefikLabels(options: {
  projectId: string;
  slug: string;
  previewHost: string;
  appPort: number;
  entrypoint?: string;
}): Record<string, string> {
  const router = `vaporform-${options.slug}`;
  const host = `${options.slug}.${options.previewHost.replace(/:\d+$/, '')}`;
  return {
    'traefik.enable': 'true',
    [`traefik.http.routers.${router}.rule`]: `Host(\`${host}\`)`,
    ...(options.entrypoint === undefined
      ? {}
      : { [`traefik.http.routers.${router}.entrypoints`]: options.entrypoint }),
    [`traefik.http.routers.${router}.service`]: router,
    [`traefik.http.services.${router}.loadbalancer.server.port`]: String(options.appPort),
    'traefik.docker.network': projectResourceName(options.projectId),
  };
}
