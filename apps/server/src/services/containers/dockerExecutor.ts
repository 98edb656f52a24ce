import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { AppError } from '../../platform/errors/AppError.js';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';
import {
  containerPaths,
  execMarkerVariable,
  type ContainerProcess,
  type ExecOptions,
  type ExecResult,
  type PipeOptions,
  type PipeSession,
  type ProcessOptions,
  type TtyOptions,
  type TtySession,
} from './containerRuntime.js';
import { dockerCall, isDockerStatus } from './dockerErrors.js';
import { DockerPipeSession } from './dockerPipeSession.js';
import { DockerTtySession, settled, sink, type Demuxer } from './dockerStreams.js';
import { containerUserSpec, envList } from './hardenedCreateOptions.js';
import { OutputBuffer } from './outputBuffer.js';
import { checkCommand, checkEnv } from './validateSpec.js';

/**
 * Kills every process whose environment carries the exec's marker: the command and all it spawned, even
 * those that started their own session. One `grep` per round, so it still gets through when a fork bomb
 * holds nearly every pid; rounds repeat until nothing matches.
 */
const killScript = [
  'for round in 1 2 3 4 5 6 7 8 9 10; do',
  `  files=$(grep -lsxzF "${execMarkerVariable}=$1" /proc/[0-9]*/environ)`,
  '  [ -z "$files" ] && exit 0',
  '  for f in $files; do p=${f#/proc/}; kill -9 "${p%/environ}" 2>/dev/null; done',
  'done',
  'exit 1',
].join('\n');

/**
 * Sends a process's output to the container's own log: PID 1 (Docker's init) holds the pipes that
 * `docker logs` reads, and every process of the container runs as the same user, so it may open them. The
 * log then survives server restarts and any replica can follow it. `$1` is an optional line to print first.
 */
const toContainerLog =
  'exec >/proc/1/fd/1 2>/proc/1/fd/2; line=$1; shift; [ -z "$line" ] || printf \'%s\\n\' "$line"; exec "$@"';

export interface DockerExecutorOptions {
  modem: Demuxer;
  execTimeoutMs: number;
  maxExecTimeoutMs: number;
  maxOutputBytes: number;
  /** Registers something that must be released when the runtime is disposed; throws when it already is. */
  track: (item: Disposable) => void;
  untrack: (item: Disposable) => void;
}

/** Everything that runs a command inside a running container: bounded commands, terminals, services. */
export class DockerExecutor {
  constructor(private readonly options: DockerExecutorOptions) {}

  async exec(container: Docker.Container, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    checkInvocation(command, options.env);
    const timeoutMs = Math.min(
      Math.max(1, options.timeoutMs ?? this.options.execTimeoutMs),
      this.options.maxExecTimeoutMs,
    );
    const maxOutputBytes = options.maxOutputBytes ?? this.options.maxOutputBytes;
    const stdout = new OutputBuffer(maxOutputBytes);
    const stderr = new OutputBuffer(maxOutputBytes);
    const marker = randomUUID();
    const hasInput = options.input !== undefined;
    if (options.signal?.aborted) {
      return { exitCode: null, stdout: '', stderr: '', timedOut: false, truncated: false };
    }

    const { exec, stream } = await attachedExec(container, command, { ...options, marker, stdin: hasInput });
    const finished = settled(stream);
    this.options.modem.demuxStream(
      stream,
      sink((chunk) => stdout.push(chunk)),
      sink((chunk) => stderr.push(chunk)),
    );
    // The command may exit without reading its input: that EPIPE is its business.
    stream.on('error', () => undefined);
    if (hasInput) stream.end(options.input);

    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const outcome = await Promise.race([
      finished.then(() => 'done' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
      new Promise<'aborted'>((resolve) => {
        onAbort = () => resolve('aborted');
        options.signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);

    let exitCode: number | null = null;
    if (outcome === 'done') {
      exitCode = await execExitCode(exec);
    } else {
      await killMarked(container, marker);
      // Let the output the command wrote before it died arrive, but do not wait on a stuck connection.
      await Promise.race([finished, delay(1000)]);
      stream.destroy();
    }
    return {
      exitCode,
      stdout: stdout.text(),
      stderr: stderr.text(),
      timedOut: outcome === 'timeout',
      truncated: stdout.truncated || stderr.truncated,
    };
  }

  async openTty(container: Docker.Container, command: string[], options: TtyOptions): Promise<TtySession> {
    checkInvocation(command, options.env);
    const marker = randomUUID();
    const exec = await createExec(container, {
      Cmd: command,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      User: containerUserSpec,
      WorkingDir: options.workingDir ?? containerPaths.workspace,
      Env: envList({ TERM: 'xterm-256color', ...options.env, [execMarkerVariable]: marker }),
    });
    const stream = await dockerCall(() => exec.start({ hijack: true, stdin: true, Tty: true }), {
      conflict: 'The container is not running',
    });
    const session: DockerTtySession = new DockerTtySession(exec, stream, {
      kill: () => killMarked(container, marker),
      exitCode: () => execExitCode(exec),
      onDisposed: () => this.options.untrack(session),
    });
    this.options.track(session);
    await session.resize(options.cols, options.rows).catch(() => undefined);
    return session;
  }

  async openPipe(
    container: Docker.Container,
    command: string[],
    options: PipeOptions = {},
  ): Promise<PipeSession> {
    checkInvocation(command, options.env);
    const marker = randomUUID();
    const { exec, stream } = await attachedExec(container, command, { ...options, marker, stdin: true });
    const session: DockerPipeSession = new DockerPipeSession(stream, this.options.modem, {
      kill: () => killMarked(container, marker),
      exitCode: () => execExitCode(exec),
      onDisposed: () => this.options.untrack(session),
    });
    this.options.track(session);
    return session;
  }

  async startProcess(
    container: Docker.Container,
    command: string[],
    options: ProcessOptions = {},
  ): Promise<ContainerProcess> {
    checkInvocation(command, options.env);
    const marker = options.marker ?? randomUUID();
    const exec = await createExec(container, {
      Cmd: ['/bin/sh', '-c', toContainerLog, 'vaporform-process', options.announce ?? '', ...command],
      AttachStdin: false,
      // Nothing is written to it (the output goes to the log), but its end tells when the process ended.
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      User: containerUserSpec,
      WorkingDir: options.workingDir ?? containerPaths.workspace,
      Env: envList({ ...options.env, [execMarkerVariable]: marker }),
    });
    const stream = await dockerCall(() => exec.start({ hijack: true, stdin: false }), {
      conflict: 'The container is not running',
    });
    stream.on('error', () => undefined);
    stream.resume();
    let killed = false;
    const process: ContainerProcess = {
      exited: settled(stream).then(async () => {
        this.options.untrack(process);
        return killed ? null : execExitCode(exec).catch(() => null);
      }),
      dispose: async () => {
        if (killed) return;
        killed = true;
        await killMarked(container, marker);
        stream.destroy();
        await process.exited;
      },
    };
    this.options.track(process);
    return process;
  }

  /** Kills whatever still carries `marker` (e.g. a service left by an earlier server process). */
  kill(container: Docker.Container, marker: string): Promise<void> {
    return killMarked(container, marker);
  }
}

function checkInvocation(command: string[], env: Record<string, string> | undefined): void {
  const issues = [...checkCommand(command), ...checkEnv(env)];
  if (issues.length > 0) throw new AppError('validation_failed', 'Invalid command', { issues });
}

function createExec(container: Docker.Container, options: Docker.ExecCreateOptions): Promise<Docker.Exec> {
  return dockerCall(() => container.exec(options), { conflict: 'The container is not running' });
}

/** The stream can close a moment before Docker records the exit code. */
async function execExitCode(exec: Docker.Exec): Promise<number | null> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const info = await dockerCall(() => exec.inspect());
    if (!info.Running) return info.ExitCode ?? null;
    await delay(25);
  }
  return null;
}

/** Best effort, bounded: a stopped or removed container has nothing left to kill. */
async function killMarked(container: Docker.Container, marker: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    try {
      const exec = await container.exec({
        Cmd: ['/bin/sh', '-c', killScript, 'vaporform-kill', marker],
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        User: containerUserSpec,
      });
      const stream = await exec.start({ hijack: true, stdin: false });
      stream.resume();
      await Promise.race([settled(stream), delay(Math.max(0, deadline - Date.now()))]);
      stream.destroy();
      if ((await execExitCode(exec)) === 0) return;
    } catch (error) {
      if (isDockerStatus(error, 404, 409)) return;
      // A fork bomb can hold every pid for a moment: the exec itself fails to start. Try again.
    }
    await delay(100);
  }
}

/**
 * A non-TTY exec as the container user, started and attached (stdout and stderr multiplexed on one stream),
 * marked so that it can be killed later: what bounded commands and pipes share.
 */
async function attachedExec(
  container: Docker.Container,
  command: string[],
  options: { env?: Record<string, string>; workingDir?: string; marker: string; stdin: boolean },
): Promise<{ exec: Docker.Exec; stream: Duplex }> {
  const exec = await createExec(container, {
    Cmd: command,
    AttachStdin: options.stdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    User: containerUserSpec,
    WorkingDir: options.workingDir ?? containerPaths.workspace,
    Env: envList({ ...options.env, [execMarkerVariable]: options.marker }),
  });
  const stream = await dockerCall(() => exec.start({ hijack: true, stdin: options.stdin }), {
    conflict: 'The container is not running',
  });
  return { exec, stream };
}
