import {
  ProjectSocketServerMessageSchema,
  type ProjectSocketEventName,
  type ProjectSocketServerMessage,
} from '@vaporform/contracts';

export type ProjectSocketEvent = Extract<ProjectSocketServerMessage, { type: 'event' }>;

export interface ProjectListener {
  event?(event: ProjectSocketEvent): void;
  /** The subscription is (again) live: after the first subscribe and after every reconnect. Refetch here. */
  subscribed?(): void;
  /** Access was revoked or the project deleted: the server will send nothing more. */
  ended?(reason: 'revoked' | 'deleted' | 'not_found'): void;
}

const backoffMs = [500, 1000, 2000, 5000, 10_000];

/**
 * The tab's one connection to `/api/ws`. Subscriptions are counted per project, so several panels can listen
 * to the same project; after a dropped connection it reconnects with backoff and subscribes again, and tells
 * listeners so they can refetch what they might have missed.
 */
export class ProjectSocket {
  private socket: WebSocket | undefined;
  private readonly listeners = new Map<string, Set<ProjectListener>>();
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private closedForGood = false;

  constructor(private readonly url = ProjectSocket.defaultUrl()) {}

  static defaultUrl(): string {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/api/ws`;
  }

  listen(projectId: string, listener: ProjectListener): () => void {
    let set = this.listeners.get(projectId);
    if (!set) {
      set = new Set();
      this.listeners.set(projectId, set);
      this.send({ type: 'subscribe', projectId });
    }
    set.add(listener);
    this.connect();
    return () => {
      const current = this.listeners.get(projectId);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        this.listeners.delete(projectId);
        this.send({ type: 'unsubscribe', projectId });
      }
    };
  }

  /** Stops reconnecting (sign-out). */
  close(): void {
    this.closedForGood = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.close();
  }

  private connect(): void {
    if (this.socket || this.closedForGood) return;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.attempt = 0;
      for (const projectId of this.listeners.keys()) this.send({ type: 'subscribe', projectId });
    });
    socket.addEventListener('message', (message) => {
      if (typeof message.data !== 'string') return;
      let parsed: ReturnType<typeof ProjectSocketServerMessageSchema.safeParse>;
      try {
        parsed = ProjectSocketServerMessageSchema.safeParse(JSON.parse(message.data));
      } catch {
        return;
      }
      if (parsed.success) this.dispatch(parsed.data);
    });
    socket.addEventListener('close', (event) => {
      this.socket = undefined;
      // 4401: the session ended; reconnecting would only be refused again.
      if (this.closedForGood || event.code === 4401 || this.listeners.size === 0) return;
      const delay = backoffMs[Math.min(this.attempt, backoffMs.length - 1)] ?? 10_000;
      this.attempt += 1;
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private dispatch(message: ProjectSocketServerMessage): void {
    const projectId = message.projectId;
    if (projectId === null) return;
    const listeners = [...(this.listeners.get(projectId) ?? [])];
    for (const listener of listeners) {
      if (message.type === 'event') listener.event?.(message);
      else if (message.type === 'subscribed') listener.subscribed?.();
      else if (message.type === 'unsubscribed' && message.reason !== 'requested')
        listener.ended?.(message.reason);
      else if (message.type === 'error' && message.code === 'not_found') listener.ended?.('not_found');
    }
  }

  private send(message: { type: 'subscribe' | 'unsubscribe'; projectId: string }): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}

export type { ProjectSocketEventName };
