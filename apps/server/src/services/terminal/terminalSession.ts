import {
  errorTable,
  TerminalClientMessageSchema,
  terminalCloseCodes,
  type TerminalInfo,
} from '@vaporform/contracts';
import type { WebSocket } from 'ws';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';
import type { TtySession } from '../containers/index.js';
import { Scrollback } from './scrollback.js';

const maxBufferedBytes = 4 * 1024 * 1024;

export interface TerminalSessionOptions {
  id: string;
  scrollbackBytes: number;
  /** How long the shell waits for a socket to come back after the last one left. */
  graceMs: number;
  onEnded: () => void;
}

/**
 * One shell on a pseudo-terminal and the sockets showing it. Output goes to every socket and into the
 * scrollback; the shell outlives its sockets for a grace period so that a reload or a network blip
 * re-attaches to the same shell and sees what it missed.
 */
export class TerminalSession implements Disposable {
  readonly #sockets = new Set<WebSocket>();
  readonly #scrollback: Scrollback;
  readonly #createdAt = new Date();
  #lastActivity = Date.now();
  #graceTimer: NodeJS.Timeout | null = null;
  #ended = false;

  constructor(
    private readonly tty: TtySession,
    private size: { cols: number; rows: number },
    private readonly options: TerminalSessionOptions,
  ) {
    this.#scrollback = new Scrollback(options.scrollbackBytes);
    tty.stream.on('data', (chunk: Buffer) => {
      this.#lastActivity = Date.now();
      this.#scrollback.push(chunk);
      for (const socket of this.#sockets) {
        // `yes` on a slow link must not fill the server's memory: a socket this far behind is dropped, and
        // reconnecting replays the scrollback.
        if (socket.bufferedAmount > maxBufferedBytes)
          socket.close(errorTable.unavailable.wsClose, 'Too slow');
        else socket.send(chunk, { binary: true });
      }
    });
    void tty.exited.then((code) => {
      for (const socket of this.#sockets) {
        socket.send(JSON.stringify({ type: 'exit', code }));
        socket.close(terminalCloseCodes.exited, 'The shell exited');
      }
      this.#end();
    });
  }

  get lastActivity(): number {
    return this.#lastActivity;
  }

  get sockets(): ReadonlySet<WebSocket> {
    return this.#sockets;
  }

  info(): TerminalInfo {
    return {
      id: this.options.id,
      createdAt: this.#createdAt.toISOString(),
      lastActivityAt: new Date(this.#lastActivity).toISOString(),
      attached: this.#sockets.size,
      cols: this.size.cols,
      rows: this.size.rows,
    };
  }

  /**
   * Replays the scrollback to the socket, then streams; its keystrokes and resizes go to the shell. The
   * replay goes through `mask` (secret values → `[secret:NAME]`), the live stream does not: see README.
   */
  attach(socket: WebSocket, mask?: (text: string) => string): void {
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = null;
    this.#sockets.add(socket);
    const replay = maskedReplay(this.#scrollback.snapshot(), mask);
    if (replay.length > 0) socket.send(replay, { binary: true });
    socket.send(JSON.stringify({ type: 'ready', id: this.options.id, replayedBytes: replay.length }));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.#lastActivity = Date.now();
      if (isBinary) {
        this.tty.stream.write(data);
        return;
      }
      const parsed = TerminalClientMessageSchema.safeParse(safeJson(data.toString('utf8')));
      if (!parsed.success) return; // Unknown control messages are ignored: newer clients may send more.
      if (parsed.data.type === 'input') this.tty.stream.write(parsed.data.data);
      else void this.resize(parsed.data.cols, parsed.data.rows);
    });
    socket.once('close', () => {
      this.#sockets.delete(socket);
      this.releaseIfUnattached();
    });
  }

  /** With no socket left, the shell waits out the grace period for one to come back. */
  releaseIfUnattached(): void {
    if (this.#sockets.size > 0 || this.#ended || this.#graceTimer) return;
    this.#graceTimer = setTimeout(() => void this.dispose(), this.options.graceMs);
  }

  async resize(cols: number, rows: number): Promise<void> {
    this.size = { cols, rows };
    await this.tty.resize(cols, rows).catch(() => undefined);
  }

  /** Closes every socket with `code` and ends the shell. */
  async close(code: number, reason: string): Promise<void> {
    for (const socket of this.#sockets) socket.close(code, reason);
    await this.dispose();
  }

  async dispose(): Promise<void> {
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = null;
    this.#end();
    await this.tty.dispose();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.options.onEnded();
  }
}

/**
 * The whole snapshot is masked at once, so a value split across output chunks is caught too. Bytes are
 * re-encoded only when something was masked (invalid UTF-8 elsewhere in it then shows as U+FFFD).
 */
function maskedReplay(replay: Buffer, mask: ((text: string) => string) | undefined): Buffer {
  if (!mask || replay.length === 0) return replay;
  const text = replay.toString('utf8');
  const masked = mask(text);
  return masked === text ? replay : Buffer.from(masked, 'utf8');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
