import {
  errorTable,
  type ErrorCode,
  type ProjectPermission,
  type ProjectSocketServerMessage,
} from '@vaporform/contracts';
import type { WebSocket } from 'ws';
import type { Principal } from '../../platform/http/policy.js';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';

export interface Subscription {
  permission: ProjectPermission;
  /** Keeps the project's workspace watched while subscribed (so `file.changed` flows); null if none. */
  watch: Disposable | null;
}

export interface ProjectSocketOptions {
  /** A socket this far behind (bytes queued for the network) is dropped rather than buffered further. */
  maxBufferedBytes: number;
  /** Client messages waiting for their turn; more are refused with `rate_limited`. */
  maxQueuedMessages: number;
  /** A message handler failed unexpectedly (the socket carries on with the next message). */
  onError: (error: unknown) => void;
}

/**
 * One `/api/ws` connection: who opened it, what it is subscribed to, and a bounded way to talk to it.
 * Client messages are handled one after another, so `subscribe` then `unsubscribe` of one project always
 * ends unsubscribed, and one socket never holds more than one permission check in flight.
 */
export class ProjectSocket {
  readonly subscriptions = new Map<string, Subscription>();
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;

  constructor(
    readonly socket: WebSocket,
    readonly principal: Principal,
    private readonly options: ProjectSocketOptions,
  ) {}

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(message: ProjectSocketServerMessage): void {
    this.sendText(JSON.stringify(message));
  }

  /** For fan-out: the same serialized message goes to every subscriber. */
  sendText(text: string): void {
    if (!this.open) return;
    // A tab that stopped reading (asleep, on a dead link) must not grow the server's memory: it is closed
    // and, like any reconnecting client, subscribes again when it comes back.
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(errorTable.unavailable.wsClose, 'Too slow: reconnect to catch up');
      return;
    }
    this.socket.send(text);
  }

  error(projectId: string | null, code: ErrorCode, message: string): void {
    this.send({ type: 'error', projectId, code, message });
  }

  /** Runs `task` after the client messages before it; false when too many are already waiting. */
  enqueue(task: () => Promise<void>): boolean {
    if (this.#queued >= this.options.maxQueuedMessages) return false;
    this.#queued++;
    this.#queue = this.#queue
      .then(task)
      .catch(this.options.onError)
      .finally(() => this.#queued--);
    return true;
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.CLOSED || this.socket.readyState === this.socket.CLOSING)
      return;
    this.socket.close(code, reason);
  }
}
