import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../platform/errors/AppError.js';
import {
  caBundleVariables,
  containerPaths,
  execMarkerVariable,
  projectLabel,
  projectResourceName,
  type ContainerSpec,
  type ContainerStatus,
  type HostAddress,
} from '../containerRuntime.js';
import { LogRing } from './logRing.js';
import { ProcessSet, type LocalChild } from './processSet.js';
import { bubblewrapCommand } from './sandbox.js';

/**
 * What every marker of a container starts with. The container id keeps markers of different containers
 * apart even when callers reuse a marker name; the project id finds the processes an earlier server
 * process left behind (`create` ends them: there is only ever one container per project).
 */
export function projectMarkerPrefix(projectId: string, containerId?: string): string {
  return containerId === undefined ? `${projectId}/` : `${projectId}/${containerId}/`;
}

export interface LocalContainerSetup {
  id: string;
  spec: ContainerSpec;
  /** The workspace with symlinks resolved: what commands run in and what bubblewrap binds. */
  workspaceDir: string;
  /** The project's own HOME on the host (the container's home tmpfs). */
  homeDir: string;
  /** The host port the app is told to listen on through `PORT`. */
  port: number;
  /** The server's PATH: the host toolchain is the image. */
  hostPath: string;
  /** The bubblewrap binary, or null to run commands directly. */
  bubblewrap: string | null;
  logLines: number;
}

/** One project's "container": a state, a log and the processes running on the host for it. */
export class LocalContainer {
  readonly id: string;
  readonly spec: ContainerSpec;
  readonly homeDir: string;
  readonly port: number;
  readonly log: LogRing;
  readonly processes: ProcessSet;
  state: 'created' | 'running' | 'exited' = 'created';
  /** False from the moment a stop begins: nothing new may start while the old processes are killed. */
  accepting = false;
  startedAt: string | null = null;
  finishedAt: string | null = null;
  exitCode: number | null = null;

  constructor(private readonly setup: LocalContainerSetup) {
    this.id = setup.id;
    this.spec = setup.spec;
    this.homeDir = setup.homeDir;
    this.port = setup.port;
    this.log = new LogRing(setup.logLines);
    this.processes = new ProcessSet(projectMarkerPrefix(setup.spec.projectId, setup.id));
  }

  markStarted(): void {
    this.state = 'running';
    this.accepting = true;
    this.startedAt = new Date().toISOString();
  }

  markExited(exitCode: number): void {
    this.state = 'exited';
    this.accepting = false;
    this.exitCode = exitCode;
    this.finishedAt = new Date().toISOString();
    this.log.endFollowers();
  }

  get appAddress(): HostAddress | null {
    return this.state === 'running' ? { host: '127.0.0.1', port: this.port } : null;
  }

  status(): ContainerStatus {
    return {
      id: this.id,
      name: projectResourceName(this.spec.projectId),
      projectId: this.spec.projectId,
      image: this.spec.image,
      state: this.state,
      running: this.state === 'running',
      exitCode: this.exitCode,
      oomKilled: false,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      labels: { ...this.spec.labels, [projectLabel]: this.spec.projectId },
    };
  }

  requireRunning(): void {
    if (this.state !== 'running' || !this.accepting) {
      throw new AppError('conflict', 'The container is not running');
    }
  }

  /**
   * The whole environment of a process: a minimal base, the spec's, the call's. Nothing of the server's
   * own environment (it holds secrets) except PATH, which locates the host toolchain.
   */
  environment(extra: Record<string, string> | undefined, marker: string): Record<string, string> {
    const env: Record<string, string> = {
      PATH: this.setup.hostPath,
      LANG: 'C.UTF-8',
      ...this.spec.env,
      HOME: this.homeDir,
    };
    if (this.spec.extraCaCertsFile !== undefined) {
      for (const variable of caBundleVariables) env[variable] = this.spec.extraCaCertsFile;
    }
    return {
      ...env,
      ...extra,
      // Every project on the host shares its loopback: the app must use the port allocated to it.
      PORT: String(this.port),
      [execMarkerVariable]: this.processes.markerValue(marker),
    };
  }

  /** The host directory for a container path below `/workspace`; anything else is refused. */
  async workingDir(containerPath: string = containerPaths.workspace): Promise<string> {
    const root = containerPaths.workspace;
    const normalized = path.posix.normalize(containerPath).replace(/(.)\/+$/, '$1');
    if (
      !path.posix.isAbsolute(containerPath) ||
      (normalized !== root && !normalized.startsWith(`${root}/`))
    ) {
      throw new AppError('validation_failed', 'Invalid working directory', {
        issues: [{ path: 'workingDir', message: `must be ${root} or below it` }],
      });
    }
    const hostPath = path.join(this.setup.workspaceDir, normalized.slice(root.length));
    // A symlink in the workspace is the project's to write: it must not lead a command out of it.
    const real = await realpath(hostPath).catch(() => null);
    const info = real === null ? null : await stat(real).catch(() => null);
    if (real === null || !info?.isDirectory()) throw new AppError('not_found', 'Working directory not found');
    const workspace = this.setup.workspaceDir;
    if (real !== workspace && !real.startsWith(`${workspace}${path.sep}`)) {
      throw new AppError('validation_failed', 'Invalid working directory', {
        issues: [{ path: 'workingDir', message: `leads outside ${root}` }],
      });
    }
    return real;
  }

  /** `command` as it is started: inside bubblewrap when the runtime has it. */
  argv(command: string[], cwd: string): string[] {
    if (this.setup.bubblewrap === null) return command;
    return bubblewrapCommand(
      this.setup.bubblewrap,
      { workspace: this.setup.workspaceDir, home: this.homeDir, cwd },
      command,
    );
  }

  /** Starts a process of this container; `conflict` unless it is running. */
  spawn(
    command: string[],
    options: { cwd: string; env: Record<string, string> | undefined; marker: string },
  ): LocalChild {
    this.requireRunning();
    return this.processes.spawn(this.argv(command, options.cwd), {
      cwd: options.cwd,
      env: this.environment(options.env, options.marker),
      marker: this.processes.markerValue(options.marker),
    });
  }
}
