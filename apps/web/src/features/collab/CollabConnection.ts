import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { collabDocumentName, collabPath, presenceDocumentName, type CollabUser } from '@vaporform/contracts';
import {
  availabilityAfter,
  fileMode,
  retryDue,
  type SocketAvailability,
  type SocketSignal,
} from './collabAvailability';
import type { CollabFile, CollabSession } from './collabFile';
import { HocuspocusCollabFile } from './HocuspocusCollabFile';
import { noPresence, presenceOf, type Presence } from './presenceModel';
import { RemoteCursorStyles } from './RemoteCursorStyles';

export interface CollabConnectionOptions {
  projectId: string;
  user: CollabUser;
  /** `ws(s)://<this origin>/collab` unless given. */
  url?: string;
  /** How long the first connection may take before files open without co-editing. */
  connectTimeoutMs?: number;
  /** How long a document may take to sync before its file opens without co-editing. */
  syncTimeoutMs?: number;
  /** After co-editing was found unavailable, how long until a newly opened file tries again. */
  retryAfterMs?: number;
  now?: () => number;
  /** The WebSocket class; the browser's unless given (Node has none: tests pass `ws`'s). */
  WebSocket?: unknown;
}

export function defaultCollabUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${collabPath}`;
}

/**
 * The project's co-editing: one WebSocket to `/collab` with every open file's document multiplexed on it,
 * the awareness-only presence document (who is online, which file each has open) and the remote cursors'
 * styles. Files open through `open`, which answers null whenever co-editing is unavailable so the editors
 * use the files API instead.
 */
export class CollabConnection implements CollabSession {
  private socket: HocuspocusProviderWebsocket | null = null;
  private presenceProvider: HocuspocusProvider | null = null;
  private availability: SocketAvailability = 'connecting';
  private unavailableSince = 0;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly decided = new Set<() => void>();
  private readonly files = new Map<string, HocuspocusCollabFile>();
  private readonly untrack = new Map<HocuspocusCollabFile, () => void>();
  private styles: RemoteCursorStyles | null = null;
  private openFile: string | null = null;
  private presence: Presence = noPresence;
  private readonly presenceListeners = new Set<() => void>();
  /** Until `start` and after `stop`: files open through the files API. */
  private stopped = true;
  private readonly options: Required<CollabConnectionOptions>;

  constructor(options: CollabConnectionOptions) {
    this.options = {
      url: defaultCollabUrl(),
      connectTimeoutMs: 5000,
      syncTimeoutMs: 8000,
      retryAfterMs: 30_000,
      now: () => Date.now(),
      WebSocket: undefined,
      ...options,
    };
  }

  /** Opens the socket; `stop` undoes it (and a later `start` begins again, as React's StrictMode does). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.styles = new RemoteCursorStyles();
    this.connect();
  }

  /** Leaves every document and closes the socket. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.teardown();
    this.styles?.dispose();
    this.styles = null;
    this.settleWaiters();
  }

  get user(): CollabUser {
    return this.options.user;
  }

  /** The person renamed themselves: the presence document and every open document say so. */
  setUserName(name: string): void {
    if (name === this.options.user.name) return;
    this.options.user = { ...this.options.user, name };
    this.presenceProvider?.awareness?.setLocalStateField('user', this.options.user);
    for (const file of this.files.values()) file.awareness.setLocalStateField('user', this.options.user);
  }

  async open(path: string): Promise<CollabFile | null> {
    if (this.stopped) return null;
    if (
      this.availability === 'unavailable' &&
      retryDue(this.unavailableSince, this.options.now(), this.options.retryAfterMs)
    ) {
      this.connect();
    }
    if (this.availability === 'connecting') await new Promise<void>((resolve) => this.decided.add(resolve));
    const socket = this.socket;
    if (this.stopped || !socket || this.availability !== 'available') return null;

    const name = collabDocumentName(this.options.projectId, path);
    // A document still joined for a tab that closed meanwhile would clash with this one on the socket.
    this.files.get(name)?.dispose();
    const file = new HocuspocusCollabFile(socket, name, this.options.user, (closed) => this.closed(closed));
    this.files.set(name, file);
    if (this.styles) this.untrack.set(file, this.styles.track(file.awareness));
    const outcome = await file.whenSettled(this.options.syncTimeoutMs);
    if (fileMode(this.availability, outcome) !== 'collab') {
      file.dispose();
      return null;
    }
    return file;
  }

  /** The file this client has in front of it, for everyone's explorer. */
  setOpenFile(path: string | null): void {
    this.openFile = path;
    this.presenceProvider?.awareness?.setLocalStateField('openFile', path);
  }

  subscribePresence = (listener: () => void): (() => void) => {
    this.presenceListeners.add(listener);
    return () => this.presenceListeners.delete(listener);
  };

  getPresence = (): Presence => this.presence;

  private connect(): void {
    this.teardown();
    this.availability = 'connecting';
    const socket = new HocuspocusProviderWebsocket({
      url: this.options.url,
      WebSocketPolyfill: this.options.WebSocket,
    });
    this.socket = socket;
    // `connect` is the first message from the server: an upgrade that is accepted and then closed (a proxy,
    // a server without co-editing) must count as unavailable, not as a connection that keeps retrying.
    socket.on('connect', () => this.signal('connected'));
    socket.on('close', () => this.signal('closed'));
    this.connectTimer = setTimeout(() => this.signal('timeout'), this.options.connectTimeoutMs);

    const presence = new HocuspocusProvider({
      websocketProvider: socket,
      name: presenceDocumentName(this.options.projectId),
      token: null,
    });
    this.presenceProvider = presence;
    const awareness = presence.awareness!;
    awareness.setLocalState({ user: this.options.user, openFile: this.openFile });
    awareness.on('change', () => {
      this.presence = presenceOf(awareness.getStates(), {
        clientId: awareness.clientID,
        userId: this.options.user.id,
      });
      for (const listener of [...this.presenceListeners]) listener();
    });
    presence.attach();
  }

  private signal(signal: SocketSignal): void {
    const before = this.availability;
    this.availability = availabilityAfter(before, signal);
    if (before !== 'connecting' || this.availability === 'connecting') return;
    clearTimeout(this.connectTimer);
    if (this.availability === 'unavailable') {
      // No retry loop in the background: files use the files API until one opens after `retryAfterMs`.
      this.unavailableSince = this.options.now();
      this.teardown();
    }
    this.settleWaiters();
  }

  private settleWaiters(): void {
    for (const resolve of [...this.decided]) resolve();
    this.decided.clear();
  }

  private teardown(): void {
    clearTimeout(this.connectTimer);
    for (const file of [...this.files.values()]) file.dispose();
    this.presenceProvider?.destroy();
    this.presenceProvider = null;
    this.socket?.destroy();
    this.socket = null;
    if (this.presence !== noPresence) {
      this.presence = noPresence;
      for (const listener of [...this.presenceListeners]) listener();
    }
  }

  private closed(file: HocuspocusCollabFile): void {
    if (this.files.get(file.name) === file) this.files.delete(file.name);
    this.untrack.get(file)?.();
    this.untrack.delete(file);
  }
}
