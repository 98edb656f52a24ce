import {
  errorTable,
  projectSocketEventNames,
  type ProjectPermission,
  type ProjectSocketClientMessage,
  type ProjectSocketEventName,
  type ProjectSocketServerMessage,
  type VaporformEvents,
} from '@vaporform/contracts';
import type { WebSocket } from 'ws';
import type { EventBus } from '../../platform/events/EventBus.js';
import type { Principal } from '../../platform/http/policy.js';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';
import { parseClientFrame } from './parseClientFrame.js';
import { ProjectSocket } from './projectSocket.js';

export interface ProjectSocketServiceOptions {
  events: EventBus;
  permissionOf(principal: Principal, projectId: string): Promise<ProjectPermission | null>;
  /** Whether the session or token the socket was opened with is still valid (logout, revocation). */
  credentialActive(principal: Principal): Promise<boolean>;
  /** Keeps the project's workspace watched while held, so changes made anywhere reach subscribers. */
  watchProject?(projectId: string): Promise<Disposable>;
  /** Failures that reach no client (a watch that could not start, a handler that threw). */
  onError?(error: unknown, context: { projectId?: string; userId: string }): void;
  /** How often credentials and permissions are checked again (default 2 s: a revoked member is out within 5 s). */
  sweepMs?: number;
  maxSubscriptionsPerSocket?: number;
  maxSocketsPerUser?: number;
  /** Bytes queued to one socket before it counts as too slow and is closed (default 4 MiB). */
  maxBufferedBytes?: number;
  /** Client messages one socket may have waiting (default 64). */
  maxQueuedMessages?: number;
}

type Settings = Required<
  Pick<
    ProjectSocketServiceOptions,
    'sweepMs' | 'maxSubscriptionsPerSocket' | 'maxSocketsPerUser' | 'maxBufferedBytes' | 'maxQueuedMessages'
  >
>;

/**
 * The project socket at `/api/ws`: many sockets, each subscribed to some projects, each subscription
 * authorized on its own (`read` at least). Project events are forwarded only to that project's subscribers.
 * Access is checked again on `recheck` (membership changed) and every sweep, and the credential behind the
 * socket on every sweep: lost access ends the subscription, an ended credential closes the socket.
 */
export class ProjectSocketService implements Disposable {
  readonly #sockets = new Set<ProjectSocket>();
  readonly #byProject = new Map<string, Set<ProjectSocket>>();
  readonly #perUser = new Map<string, number>();
  readonly #listeners: Disposable[];
  /** Watches being let go; shutdown waits for them, so none outlives the watcher it came from. */
  readonly #releasing = new Set<Promise<void>>();
  readonly #sweeper: NodeJS.Timeout;
  readonly #settings: Settings;
  #sweeping = false;

  constructor(private readonly options: ProjectSocketServiceOptions) {
    this.#settings = {
      sweepMs: options.sweepMs ?? 2_000,
      maxSubscriptionsPerSocket: options.maxSubscriptionsPerSocket ?? 50,
      maxSocketsPerUser: options.maxSocketsPerUser ?? 20,
      maxBufferedBytes: options.maxBufferedBytes ?? 4 * 1024 * 1024,
      maxQueuedMessages: options.maxQueuedMessages ?? 64,
    };
    this.#listeners = projectSocketEventNames.map((name) =>
      options.events.subscribe(name, (payload: VaporformEvents[ProjectSocketEventName]) =>
        this.#forward(name, payload),
      ),
    );
    this.#sweeper = setInterval(() => void this.#sweep(), this.#settings.sweepMs);
    this.#sweeper.unref();
  }

  /** Takes over a socket that passed the route's policy (an authenticated caller, the IDE's origin). */
  connect(socket: WebSocket, principal: Principal): void {
    const held = this.#perUser.get(principal.userId) ?? 0;
    if (held >= this.#settings.maxSocketsPerUser) {
      socket.close(
        errorTable.rate_limited.wsClose,
        `At most ${this.#settings.maxSocketsPerUser} connections per user: close another tab`,
      );
      return;
    }
    const client = new ProjectSocket(socket, principal, {
      maxBufferedBytes: this.#settings.maxBufferedBytes,
      maxQueuedMessages: this.#settings.maxQueuedMessages,
      onError: (error) => {
        this.options.onError?.(error, { userId: principal.userId });
        client.error(null, 'internal', 'The message could not be handled');
      },
    });
    this.#sockets.add(client);
    this.#perUser.set(principal.userId, held + 1);
    // ws reports protocol errors (bad UTF-8, oversized frames) here and then closes the socket itself.
    socket.on('error', () => undefined);
    socket.once('close', () => void this.#release(client));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = parseClientFrame(data, isBinary);
      if (!frame.ok) {
        client.error(frame.projectId, 'validation_failed', frame.message);
        return;
      }
      const accepted = client.enqueue(() => this.#handle(client, frame.message));
      if (!accepted) {
        client.error(frame.message.projectId, 'rate_limited', 'Too many messages at once: wait for answers');
      }
    });
  }

  /** Checks the user's subscriptions to the project now (their membership changed). */
  async recheck(projectId: string, userId: string): Promise<void> {
    const affected = [...(this.#byProject.get(projectId) ?? [])].filter(
      (client) => client.principal.userId === userId,
    );
    await Promise.all(affected.map((client) => this.#enforce(client, projectId)));
  }

  /** Sockets open now (for tests and metrics). */
  get size(): number {
    return this.#sockets.size;
  }

  async dispose(): Promise<void> {
    clearInterval(this.#sweeper);
    for (const listener of this.#listeners) await listener.dispose();
    for (const client of [...this.#sockets]) {
      client.close(1001, 'The server is shutting down');
      void this.#release(client);
    }
    await Promise.all(this.#releasing);
  }

  async #handle(client: ProjectSocket, message: ProjectSocketClientMessage): Promise<void> {
    if (message.type === 'unsubscribe') {
      this.#drop(client, message.projectId, 'requested');
      return;
    }
    await this.#subscribe(client, message.projectId);
  }

  async #subscribe(client: ProjectSocket, projectId: string): Promise<void> {
    const existing = client.subscriptions.get(projectId);
    if (!existing && client.subscriptions.size >= this.#settings.maxSubscriptionsPerSocket) {
      client.error(
        projectId,
        'conflict',
        `At most ${this.#settings.maxSubscriptionsPerSocket} projects per connection: unsubscribe from one first`,
      );
      return;
    }
    const permission = await this.options.permissionOf(client.principal, projectId);
    if (!client.open) return;
    // Missing and not shared look the same, so project ids cannot be probed through the socket either.
    if (permission === null) {
      if (existing) this.#drop(client, projectId, 'revoked');
      client.error(projectId, 'not_found', 'Project not found');
      return;
    }
    if (existing) {
      existing.permission = permission;
      client.send({ type: 'subscribed', projectId, permission });
      return;
    }
    const watch = await this.#watch(projectId, client.principal.userId);
    // The socket closed while the watch started.
    if (!client.open) {
      if (watch) await this.#dispose(watch, projectId, client.principal.userId);
      return;
    }
    client.subscriptions.set(projectId, { permission, watch });
    let subscribers = this.#byProject.get(projectId);
    if (!subscribers) {
      subscribers = new Set();
      this.#byProject.set(projectId, subscribers);
    }
    subscribers.add(client);
    client.send({ type: 'subscribed', projectId, permission });
  }

  async #watch(projectId: string, userId: string): Promise<Disposable | null> {
    if (!this.options.watchProject) return null;
    try {
      return await this.options.watchProject(projectId);
    } catch (error) {
      // The subscription still stands: every other event flows, and file changes do while anything else
      // (an API request on the files) keeps the workspace watched.
      this.options.onError?.(error, { projectId, userId });
      return null;
    }
  }

  /** Ends one subscription and tells the client why (also when there was none: unsubscribing is idempotent). */
  #drop(
    client: ProjectSocket,
    projectId: string,
    reason: Extract<ProjectSocketServerMessage, { type: 'unsubscribed' }>['reason'],
  ): void {
    const subscription = client.subscriptions.get(projectId);
    client.subscriptions.delete(projectId);
    this.#unindex(client, projectId);
    if (subscription?.watch) void this.#dispose(subscription.watch, projectId, client.principal.userId);
    if (subscription || reason === 'requested') client.send({ type: 'unsubscribed', projectId, reason });
  }

  #unindex(client: ProjectSocket, projectId: string): void {
    const subscribers = this.#byProject.get(projectId);
    subscribers?.delete(client);
    if (subscribers?.size === 0) this.#byProject.delete(projectId);
  }

  #dispose(watch: Disposable, projectId: string, userId: string): Promise<void> {
    const releasing = Promise.resolve()
      .then(() => watch.dispose())
      .catch((error: unknown) => this.options.onError?.(error, { projectId, userId }))
      .finally(() => this.#releasing.delete(releasing));
    this.#releasing.add(releasing);
    return releasing;
  }

  #forward(name: ProjectSocketEventName, payload: VaporformEvents[ProjectSocketEventName]): void {
    const { projectId } = payload;
    const subscribers = [...(this.#byProject.get(projectId) ?? [])];
    if (subscribers.length === 0) return;
    const message: ProjectSocketServerMessage = { type: 'event', projectId, name, payload };
    const text = JSON.stringify(message);
    for (const client of subscribers) client.sendText(text);
    if (name === 'project.deleted')
      for (const client of subscribers) this.#drop(client, projectId, 'deleted');
  }

  /** A socket closed (or is being closed): its subscriptions and its place in the per-user count go. */
  async #release(client: ProjectSocket): Promise<void> {
    if (!this.#sockets.delete(client)) return;
    const { userId } = client.principal;
    const held = (this.#perUser.get(userId) ?? 1) - 1;
    if (held > 0) this.#perUser.set(userId, held);
    else this.#perUser.delete(userId);
    const watches: Promise<void>[] = [];
    for (const [projectId, subscription] of client.subscriptions) {
      this.#unindex(client, projectId);
      if (subscription.watch) watches.push(this.#dispose(subscription.watch, projectId, userId));
    }
    client.subscriptions.clear();
    await Promise.all(watches);
  }

  async #sweep(): Promise<void> {
    // A slow database must not stack sweeps on top of each other.
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      const credentials = new Map<string, Promise<boolean>>();
      await Promise.allSettled(
        [...this.#sockets].map(async (client) => {
          const key = `${client.principal.via}:${client.principal.credentialId}`;
          let active = credentials.get(key);
          if (!active) {
            // A failed check is not an ended session: the next sweep asks again.
            active = this.options.credentialActive(client.principal).catch(() => true);
            credentials.set(key, active);
          }
          if (!(await active)) {
            client.close(errorTable.unauthenticated.wsClose, 'Your session ended');
            await this.#release(client);
            return;
          }
          await Promise.all([...client.subscriptions.keys()].map((id) => this.#enforce(client, id)));
        }),
      );
    } finally {
      this.#sweeping = false;
    }
  }

  /** Ends the subscription when access is gone; tells the client when its permission changed. */
  async #enforce(client: ProjectSocket, projectId: string): Promise<void> {
    const permission = await this.options.permissionOf(client.principal, projectId).catch(() => null);
    const subscription = client.subscriptions.get(projectId);
    if (!subscription || !client.open) return;
    if (permission === null) {
      this.#drop(client, projectId, 'revoked');
    } else if (permission !== subscription.permission) {
      subscription.permission = permission;
      client.send({ type: 'subscribed', projectId, permission });
    }
  }
}
