import { randomUUID } from 'node:crypto';
import { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../../../platform/errors/AppError.js';
import type { TtyOptions, TtySession } from '../containerRuntime.js';
import type { LocalContainer } from './localContainer.js';

/** The part of node-pty's API used here (it is an optional dependency: no typings to import). */
interface PtyProcess {
  readonly pid: number;
  onData(listener: (data: string) => void): unknown;
  onExit(listener: (event: { exitCode: number; signal?: number }) => void): unknown;
  write(data: string): void;
  resize(columns: number, rows: number): void;
}

interface PtyModule {
  spawn(
    file: string,
    args: string[],
    options: { name: string; cols: number; rows: number; cwd: string; env: Record<string, string> },
  ): PtyProcess;
}

function isPtyModule(value: unknown): value is PtyModule {
  return typeof value === 'object' && value !== null && typeof (value as PtyModule).spawn === 'function';
}

let ptyModule: Promise<PtyModule | null> | undefined;

/** node-pty when it is installed; looked up once. */
function loadPty(): Promise<PtyModule | null> {
  ptyModule ??= (async () => {
    try {
      // A name in a variable: neither TypeScript nor the bundler may insist on a package that is optional.
      const name = 'node-pty';
      const loaded: unknown = await import(/* @vite-ignore */ name);
      if (isPtyModule(loaded)) return loaded;
      const fallback = (loaded as { default?: unknown } | null)?.default;
      return isPtyModule(fallback) ? fallback : null;
    } catch {
      return null;
    }
  })();
  return ptyModule;
}

function clampSize(value: number): number {
  return Math.max(1, Math.min(1000, Math.floor(value)));
}

export async function openLocalTty(
  container: LocalContainer,
  command: string[],
  options: TtyOptions,
  /** Called once the session has ended, by itself or disposed. */
  onEnded: (session: TtySession) => void,
): Promise<TtySession> {
  const pty = await loadPty();
  if (pty === null) {
    throw new AppError(
      'unavailable',
      'Terminals on the local runtime need node-pty: install it next to the server (npm install node-pty) and restart',
    );
  }
  const cwd = await container.workingDir(options.workingDir);
  container.requireRunning();
  const marker = randomUUID();
  const [file, ...args] = container.argv(command, cwd);
  const terminal = pty.spawn(file ?? '', args, {
    name: 'xterm-256color',
    cols: clampSize(options.cols),
    rows: clampSize(options.rows),
    cwd,
    env: container.environment({ TERM: 'xterm-256color', ...options.env }, marker),
  });
  // node-pty starts the command as the leader of a new session: its group is the terminal's processes.
  const release = container.processes.adopt(terminal.pid, container.processes.markerValue(marker));
  return new LocalTtySession(terminal, {
    kill: () => container.processes.kill(marker),
    release,
    onEnded,
  });
}

class LocalTtySession implements TtySession {
  readonly stream: Duplex;
  readonly exited: Promise<number | null>;
  #disposed = false;

  constructor(
    private readonly terminal: PtyProcess,
    private readonly control: {
      kill: () => Promise<void>;
      release: () => void;
      onEnded: (session: TtySession) => void;
    },
  ) {
    const decoder = new StringDecoder('utf8');
    this.stream = new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _encoding, callback) => {
        // A multi-byte character split across writes must reach the terminal whole.
        const text = decoder.write(chunk);
        if (text !== '') terminal.write(text);
        callback();
      },
    });
    terminal.onData((data) => this.stream.push(Buffer.from(data, 'utf8')));
    this.exited = new Promise((resolve) => {
      terminal.onExit(({ exitCode, signal }) => {
        control.release();
        control.onEnded(this);
        this.stream.push(null);
        if (this.#disposed) resolve(null);
        else resolve(signal ? 128 + signal : exitCode);
      });
    });
  }

  async resize(cols: number, rows: number): Promise<void> {
    try {
      this.terminal.resize(clampSize(cols), clampSize(rows));
    } catch (error) {
      throw new AppError('conflict', 'The terminal has exited', { cause: error });
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.control.kill();
    this.stream.destroy();
    // The kill is bounded; so is waiting for node-pty to notice it.
    await Promise.race([this.exited, delay(1_000)]);
  }
}
