import { ApiError } from '../../platform/ApiError';
import { RetryTimer, type TimerHooks } from '../infrastructure';
import { classifyClose, maxReconnectAttempts, reconnectDelay, type TerminalEndKind } from './reconnectPolicy';

export type ConnectionState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'open' }
  | { kind: 'reconnecting'; attempt: number; retryAt: number }
  | { kind: 'conflict'; message: string }
  | { kind: 'ended'; reason: TerminalEndKind; message: string };

/** The part of the browser's WebSocket the connection uses (tests pass a fake). */
export interface SocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  send: (data: string | ArrayBufferView | ArrayBuffer) => void;
  close: (code?: number, reason?: string) => void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface TerminalConnectionOptions extends TimerHooks {
  /** The socket address for the current size (new shells start with it). */
  url: (size: TerminalSize) => string;
  size: () => TerminalSize;
  /** Terminal output: the scrollback replay first, then the live stream. */
  onOutput: (bytes: Uint8Array) => void;
  /** A new socket is about to replay the scrollback: clear the screen so nothing shows twice. */
  onReset: () => void;
  createSocket?: (url: string) => SocketLike;
  /**
   * Asked after a socket failed before it opened (the browser hides the HTTP status of a refused upgrade):
   * throws an `ApiError` when the server refuses us for a reason a retry cannot fix.
   */
  probe?: () => Promise<void>;
  random?: () => number;
  now?: () => number;
}

const OPEN = 1;
const maxPendingInput = 4096;

/**
 * One terminal tab's link to its shell: connects, hands output to xterm, sends keystrokes and sizes, and
 * after a network blip reconnects with backoff to the same shell (the server replays its scrollback).
 * It stops for good when the shell exits, idles out or access is refused, and can be restarted.
 */
export class TerminalConnection {
  private socket: SocketLike | undefined;
  private readonly retryTimer: RetryTimer;
  private attempt = 0;
  /** Counts sockets, so that a late answer about an earlier one changes nothing. */
  private generation = 0;
  private exitCode: number | null = null;
  private disposed = false;
  private current: ConnectionState = { kind: 'connecting', attempt: 0 };
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  private readonly encoder = new TextEncoder();
  /** Input typed while the socket opens. */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(private readonly options: TerminalConnectionOptions) {
    this.retryTimer = new RetryTimer(options);
  }

  get state(): ConnectionState {
    return this.current;
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.attempt = 0;
    this.connect();
  }

  /**
   * Keystrokes (xterm's `onData`) or raw bytes (`onBinary`). Typed while a socket is still opening, they wait
   * for it (up to a few KiB); typed while there is no socket at all, they are dropped.
   */
  send(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? this.encoder.encode(data) : data;
    if (this.socket?.readyState === OPEN) this.socket.send(bytes);
    else if (this.socket && this.pendingBytes + bytes.length <= maxPendingInput) {
      this.pending.push(bytes);
      this.pendingBytes += bytes.length;
    }
  }

  resize(size: TerminalSize): void {
    if (this.socket?.readyState !== OPEN || this.current.kind !== 'open') return;
    this.socket.send(JSON.stringify({ type: 'resize', cols: size.cols, rows: size.rows }));
  }

  /** Starts over after the terminal ended (a new shell if the old one is gone). */
  restart(): void {
    if (this.disposed) return;
    this.retryTimer.cancel();
    this.dropSocket();
    this.attempt = 0;
    this.connect();
  }

  /** Skips the wait of a pending reconnect (the "Reconnect now" button, the browser coming back online). */
  reconnectNow(): void {
    if (this.current.kind !== 'reconnecting') return;
    this.retryTimer.cancel();
    this.connect();
  }

  /**
   * The container is there (again): a terminal that failed because it was not running starts again, and so,
   * when the container has just come back (`restarted`), does one whose shell ended with it. Open, connecting
   * and refused terminals are left alone.
   */
  resumeIfDown(restarted: boolean): void {
    const state = this.current;
    if (state.kind === 'conflict') this.restart();
    else if (state.kind === 'ended' && state.reason === 'unreachable') this.restart();
    else if (state.kind === 'ended' && state.reason === 'exited' && restarted) this.restart();
    else if (state.kind === 'reconnecting') this.reconnectNow();
  }

  dispose(): void {
    this.disposed = true;
    this.retryTimer.cancel();
    this.dropSocket();
    this.listeners.clear();
  }

  private connect(): void {
    if (this.disposed) return;
    this.generation += 1;
    this.exitCode = null;
    this.setState({ kind: 'connecting', attempt: this.attempt });
    const create = this.options.createSocket ?? ((url: string): SocketLike => new WebSocket(url));
    let socket: SocketLike;
    try {
      socket = create(this.options.url(this.options.size()));
    } catch {
      this.scheduleReconnect();
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      opened = true;
      this.options.onReset();
      // The server holds input that arrives while the shell starts.
      for (const bytes of this.pending) socket.send(bytes);
      this.clearPending();
    });
    socket.addEventListener('message', (event) => {
      if (this.socket !== socket) return;
      if (typeof event.data === 'string') this.control(event.data);
      else if (event.data instanceof ArrayBuffer) this.options.onOutput(new Uint8Array(event.data));
      else if (ArrayBuffer.isView(event.data)) {
        const view = event.data;
        this.options.onOutput(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
      }
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.clearPending();
      this.closed(event.code, event.reason, opened);
    });
  }

  private control(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { type, code } = message as { type?: unknown; code?: unknown };
    if (type === 'ready') {
      this.attempt = 0;
      this.setState({ kind: 'open' });
      // The shell may still have the size of an earlier tab or window.
      this.resize(this.options.size());
    } else if (type === 'exit' && typeof code === 'number') {
      this.exitCode = code;
    }
  }

  private closed(code: number, reason: string, opened: boolean): void {
    if (this.disposed) return;
    const verdict = classifyClose(code, reason, this.exitCode);
    if (verdict.action === 'end') {
      this.setState({ kind: 'ended', reason: verdict.kind, message: verdict.message });
      return;
    }
    if (verdict.action === 'conflict') {
      this.setState({ kind: 'conflict', message: verdict.message });
      return;
    }
    if (!opened && this.options.probe) {
      const generation = this.generation;
      const stillCurrent = () => !this.disposed && generation === this.generation;
      void this.options.probe().then(
        () => {
          if (stillCurrent()) this.scheduleReconnect();
        },
        (error: unknown) => {
          if (!stillCurrent()) return;
          const refused = refusal(error);
          if (refused) this.setState(refused);
          else this.scheduleReconnect();
        },
      );
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.disposed) return;
    if (this.attempt >= maxReconnectAttempts) {
      this.setState({
        kind: 'ended',
        reason: 'unreachable',
        message: 'The connection to the terminal was lost and could not be restored.',
      });
      return;
    }
    const delay = reconnectDelay(this.attempt, this.options.random);
    const now = this.options.now?.() ?? Date.now();
    this.attempt += 1;
    this.setState({ kind: 'reconnecting', attempt: this.attempt, retryAt: now + delay });
    this.retryTimer.schedule(() => this.connect(), delay);
  }

  private clearPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.clearPending();
    // Closing with 1000 from our side lets the shell wait out its grace period for a reload.
    if (socket && socket.readyState <= OPEN) socket.close(1000, 'Tab closed');
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    for (const listener of [...this.listeners]) listener(state);
  }
}

/** An HTTP answer that says reconnecting cannot help, as the state to show. */
function refusal(error: unknown): ConnectionState | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'unauthenticated') {
    return {
      kind: 'ended',
      reason: 'unauthenticated',
      message: 'Your session ended. Sign in again to use the terminal.',
    };
  }
  if (error.code === 'forbidden') return { kind: 'ended', reason: 'forbidden', message: error.message };
  if (error.code === 'not_found') return { kind: 'ended', reason: 'not_found', message: error.message };
  return null;
}
