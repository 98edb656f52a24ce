import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../../../platform/errors/AppError.js';
import type { Disposable } from '../../../platform/lifecycle/DisposableStore.js';
import type {
  ContainerProcess,
  ExecOptions,
  ExecResult,
  PipeOptions,
  PipeSession,
  ProcessOptions,
  TtyOptions,
  TtySession,
} from '../containerRuntime.js';
import { LineSplitter } from '../lineSplitter.js';
import { OutputBuffer } from '../outputBuffer.js';
import { checkCommand, checkEnv } from '../validateSpec.js';
import type { LocalContainer } from './localContainer.js';
import { openLocalTty } from './localTty.js';
import type { LocalChild } from './processSet.js';

export interface LocalExecutorOptions {
  execTimeoutMs: number;
  maxExecTimeoutMs: number;
  maxOutputBytes: number;
  /** Registers something that must be released when the runtime is disposed; throws when it already is. */
  track: (item: Disposable) => void;
  untrack: (item: Disposable) => void;
}

/** How long a process that exited may take to flush its last output before its exit is reported. */
const drainMs = 200;

/** Everything that runs a command in a local container: bounded commands, terminals, services. */
export class LocalExecutor {
  constructor(private readonly options: LocalExecutorOptions) {}

  async exec(container: LocalContainer, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    checkInvocation(command, options.env);
    const timeoutMs = Math.min(
      Math.max(1, options.timeoutMs ?? this.options.execTimeoutMs),
      this.options.maxExecTimeoutMs,
    );
    const stdout = new OutputBuffer(options.maxOutputBytes ?? this.options.maxOutputBytes);
    const stderr = new OutputBuffer(options.maxOutputBytes ?? this.options.maxOutputBytes);
    const cwd = await container.workingDir(options.workingDir);
    if (options.signal?.aborted) {
      return { exitCode: null, stdout: '', stderr: '', timedOut: false, truncated: false };
    }
    const marker = randomUUID();
    const child = container.spawn(command, { cwd, env: options.env, marker });
    child.process.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.process.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // The command may exit without reading its input: that EPIPE is its business.
    child.process.stdin.on('error', () => undefined);
    child.process.stdin.end(options.input);

    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    // Done once the output pipes close too: a background child still writing to them is still running.
    const outcome = await Promise.race([
      child.closed.then((code) => ({ code })),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
      new Promise<'aborted'>((resolve) => {
        onAbort = () => resolve('aborted');
        options.signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);

    if (typeof outcome === 'string') {
      await container.processes.kill(marker);
      // Keep what it wrote before it died, but do not wait on pipes something unkillable still holds.
      await Promise.race([child.closed, delay(1_000)]);
      child.process.stdout.destroy();
      child.process.stderr.destroy();
    }
    const failure = startFailure(command, child);
    if (failure !== null) stderr.push(Buffer.from(`${failure}\n`));
    return {
      exitCode: typeof outcome === 'string' ? null : outcome.code,
      stdout: stdout.text(),
      stderr: stderr.text(),
      timedOut: outcome === 'timeout',
      truncated: stdout.truncated || stderr.truncated,
    };
  }

  async openTty(container: LocalContainer, command: string[], options: TtyOptions): Promise<TtySession> {
    checkInvocation(command, options.env);
    const session = await openLocalTty(container, command, options, (ended) => this.options.untrack(ended));
    this.options.track(session);
    return session;
  }

  async openPipe(
    container: LocalContainer,
    command: string[],
    options: PipeOptions = {},
  ): Promise<PipeSession> {
    checkInvocation(command, options.env);
    const cwd = await container.workingDir(options.workingDir);
    const marker = randomUUID();
    const child = container.spawn(command, { cwd, env: options.env, marker });
    // A command that cannot start says why on stderr, as it would through a shell or Docker.
    const stderr = new PassThrough();
    child.process.stderr.pipe(stderr, { end: false });
    child.process.stdin.on('error', () => undefined);
    let killed = false;
    const session: PipeSession = {
      stdin: child.process.stdin,
      stdout: child.process.stdout,
      stderr,
      exited: child.exit.then(async (code) => {
        const failure = startFailure(command, child);
        if (failure !== null) stderr.write(`${failure}\n`);
        await Promise.race([child.closed, delay(drainMs)]);
        stderr.end();
        this.options.untrack(session);
        return killed ? null : code;
      }),
      dispose: async () => {
        if (killed) return;
        killed = true;
        await container.processes.kill(marker);
        await session.exited;
      },
    };
    this.options.track(session);
    return session;
  }

  async startProcess(
    container: LocalContainer,
    command: string[],
    options: ProcessOptions = {},
  ): Promise<ContainerProcess> {
    checkInvocation(command, options.env);
    checkMarker(options.marker);
    const cwd = await container.workingDir(options.workingDir);
    const marker = options.marker ?? randomUUID();
    container.requireRunning(); // before the announce: a refused process must not show in the log
    if (options.announce) container.log.push('stdout', options.announce);
    const child = container.spawn(command, { cwd, env: options.env, marker });
    child.process.stdin.end();
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = new LineSplitter((line) => container.log.push(stream, line));
      child.process[stream].on('data', (chunk: Buffer) => lines.push(chunk));
      child.process[stream].once('close', () => lines.end());
    }

    let killed = false;
    const process: ContainerProcess = {
      exited: child.exit.then(async (code) => {
        const disposed = killed;
        const failure = startFailure(command, child);
        if (failure !== null) container.log.push('stderr', failure);
        // Let the last lines reach the log before the caller reads it; a background child that keeps the
        // pipes open (and keeps logging) does not hold this up.
        await Promise.race([child.closed, delay(drainMs)]);
        this.options.untrack(process);
        return disposed ? null : code;
      }),
      dispose: async () => {
        if (killed) return;
        killed = true;
        await container.processes.kill(marker);
        await process.exited;
      },
    };
    this.options.track(process);
    return process;
  }

  /** Kills whatever carries `marker` in the container, children that left the process group included. */
  kill(container: LocalContainer, marker: string): Promise<void> {
    checkMarker(marker);
    return container.processes.kill(marker);
  }
}

function checkInvocation(command: string[], env: Record<string, string> | undefined): void {
  const issues = [...checkCommand(command), ...checkEnv(env)];
  if (issues.length > 0) throw new AppError('validation_failed', 'Invalid command', { issues });
}

function checkMarker(marker: string | undefined): void {
  if (marker !== undefined && (marker === '' || marker.includes('\0'))) {
    throw new AppError('validation_failed', 'Invalid process marker', {
      issues: [{ path: 'marker', message: 'must be a non-empty string without NUL' }],
    });
  }
}

/** What a shell would print when the command cannot be started; null when it started. */
function startFailure(command: string[], child: LocalChild): string | null {
  const failure = child.failure();
  if (failure === null) return null;
  const reason = failure.code === 'ENOENT' ? 'command not found' : (failure.code ?? failure.message);
  return `${command[0]}: ${reason}`;
}
