import type { IncomingMessage } from 'node:http';
import {
  Hocuspocus,
  type afterUnloadDocumentPayload,
  type beforeHandleMessagePayload,
  type beforeUnloadDocumentPayload,
  type connectedPayload,
  type onAuthenticatePayload,
  type onDisconnectPayload,
  type onLoadDocumentPayload,
} from '@hocuspocus/server';
import { parseCollabDocumentName, permissionIncludes, type ProjectPermission } from '@vaporform/contracts';
import type { WebSocket } from 'ws';
import type { EventBus } from '../../platform/events/EventBus.js';
import type { Authenticator, Principal } from '../../platform/http/policy.js';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';
import { normalizeRelativePath } from '../files/index.js';
import { CollabConnections } from './collabConnections.js';
import { CollabRefusal, collabReason } from './collabRefusal.js';
import { DocumentBridge } from './documentBridge.js';
import { readDocumentText, type FileAccess } from './readDocumentText.js';
import { isStaleCopy } from './staleCopyGuard.js';

export interface CoEditingServiceOptions {
  files: FileAccess;
  events: EventBus;
  /** Resolves the API token a client passes as the provider's `token`. */
  authenticator: Authenticator;
  permissionOf(principal: Principal, projectId: string): Promise<ProjectPermission | null>;
  /** Whether the session or token a connection was opened with is still valid (logout, revocation). */
  credentialActive(principal: Principal): Promise<boolean>;
  watchProject(projectId: string): Promise<Disposable>;
  onError?(error: unknown, context: { documentName?: string; userId?: string }): void;
  /** How often credentials and permissions are checked again (default 2 s: a revoked member is out within 5 s). */
  sweepMs?: number;
  /** Quiet time before edits are written (default 100 ms). */
  saveDelayMs?: number;
  /** Longest an edit waits for its write while edits keep coming (default 300 ms). */
  maxSaveDelayMs?: number;
  /** A file's document outlives its last editor this long, so a reconnect finds it (default 30 s). */
  unloadGraceMs?: number;
  /** Largest file co-edited (default 2 MiB). */
  maxDocumentBytes?: number;
}

/** What a `/collab` socket brings from its upgrade, then what each document's authentication adds. */
export interface CollabContext {
  /**
   * Whom the upgrade itself authenticated (the session cookie, which the route accepts only from the IDE
   * origin, or an `Authorization` header); null when the documents must bring a token.
   */
  caller: Principal | null;
  ip: string;
  userAgent: string | undefined;
  principal?: Principal;
  projectId?: string;
  /** The workspace path of a file's document; null for the project's presence document. */
  path?: string | null;
}

/**
 * Co-editing on `/collab`: a Hocuspocus instance without a listener of its own (sockets come from the route),
 * documents authorized one by one, file documents kept in step with the disk by the DocumentBridge, presence
 * documents awareness-only. Everything it holds is flushed and released by `dispose`.
 */
export class CoEditingService implements Disposable {
  readonly #hocuspocus: Hocuspocus;
  readonly #bridge: DocumentBridge;
  readonly #connections: CollabConnections;
  readonly #sockets = new Set<WebSocket>();
  readonly #lastLeftAt = new Map<string, number>();
  readonly #lingering = new Map<string, NodeJS.Timeout>();
  readonly #unloadGraceMs: number;
  readonly #maxDocumentBytes: number;
  #closing = false;

  constructor(private readonly options: CoEditingServiceOptions) {
    this.#unloadGraceMs = options.unloadGraceMs ?? 30_000;
    this.#maxDocumentBytes = options.maxDocumentBytes ?? 2 * 1024 * 1024;
    this.#bridge = new DocumentBridge({
      files: options.files,
      events: options.events,
      watchProject: (projectId) => options.watchProject(projectId),
      maxDocumentBytes: this.#maxDocumentBytes,
      saveDelayMs: options.saveDelayMs ?? 100,
      maxSaveDelayMs: options.maxSaveDelayMs ?? 300,
      onGone: (name, reason) =>
        this.#connections.closeDocument(name, collabReason(reason.code, reason.message)),
      onSaved: (name) => this.#unloadIfIdle(name),
      onError: (error, context) => this.#reportError(error, context),
    });
    this.#connections = new CollabConnections({
      permissionOf: (principal, projectId) => options.permissionOf(principal, projectId),
      credentialActive: (principal) => options.credentialActive(principal),
      sweepMs: options.sweepMs ?? 2_000,
    });
    this.#hocuspocus = new Hocuspocus({
      name: 'vaporform',
      quiet: true,
      // Saving is the bridge's (its own debounce, flushes and retries); Hocuspocus's store hooks stay empty,
      // and with no debounce its unload logic never waits on a store timer of its own.
      debounce: 0,
      maxDebounce: 0,
      onAuthenticate: (data) => this.#authenticate(data),
      onLoadDocument: (data) => this.#load(data),
      connected: async (data) => this.#connected(data),
      onDisconnect: async (data) => this.#disconnected(data),
      beforeHandleMessage: async (data) => this.#screen(data),
      beforeUnloadDocument: (data) => this.#beforeUnload(data),
      afterUnloadDocument: (data) => this.#afterUnload(data),
    });
  }

  /** Takes over an upgraded `/collab` socket (the route checked its Origin and read its session cookie). */
  connect(socket: WebSocket, request: IncomingMessage, context: CollabContext): void {
    if (this.#closing) {
      socket.close(1001, 'The server is shutting down');
      return;
    }
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    this.#hocuspocus.handleConnection(socket, request, context);
  }

  /** Documents in memory: open files, files lingering after their last editor, presence documents. */
  get openDocuments(): number {
    return this.#hocuspocus.getDocumentsCount();
  }

  /** Files whose document is kept in step with the disk. */
  get openFiles(): number {
    return this.#bridge.size;
  }

  get connections(): number {
    return this.#connections.size;
  }

  /** Checks the user's connections to the project now (their membership changed). */
  recheck(projectId: string, userId: string): Promise<void> {
    return this.#connections.recheck(projectId, userId);
  }

  /** The project was deleted: its documents close without saving (the workspace goes too). */
  closeProject(projectId: string): void {
    this.#bridge.abandonProject(projectId);
    this.#connections.closeProject(projectId, collabReason('not_found', 'The project was deleted'));
  }

  async dispose(): Promise<void> {
    this.#closing = true;
    this.#connections.dispose();
    for (const timer of this.#lingering.values()) clearTimeout(timer);
    this.#lingering.clear();
    // No edit may arrive after this point; every edit a client was told was applied is in a document now,
    // and the bridge writes them all before anything it depends on closes.
    for (const socket of this.#sockets) socket.terminate();
    await this.#bridge.dispose();
    // Documents still in memory (lingering, or mid-unload) hold awareness timers.
    for (const document of this.#hocuspocus.documents.values()) document.destroy();
  }

  async #authenticate(data: onAuthenticatePayload): Promise<Partial<CollabContext>> {
    const context = data.context as CollabContext;
    const target = parseCollabDocumentName(data.documentName);
    // Names that are not documents look like projects that do not exist.
    if (!target) throw new CollabRefusal('not_found', 'No such document');
    const principal = data.token ? await this.#principalOf(data.token, context) : context.caller;
    if (!principal) {
      throw new CollabRefusal(
        'unauthenticated',
        data.token
          ? 'The API token is invalid, expired or revoked'
          : 'Sign in, or pass an API token as the provider token',
      );
    }
    const permission = await this.options.permissionOf(principal, target.projectId);
    // Missing and not shared look the same, so project ids cannot be probed through documents either.
    if (!permission) throw new CollabRefusal('not_found', 'Project not found');
    const path = target.path === null ? null : this.#canonicalPath(target.path);
    if (path !== null && !this.#bridge.isLive(data.documentName)) {
      // Checked before the client is told it is in, so a file that cannot be a document is a clean refusal.
      await readDocumentText(this.options.files, target.projectId, path, this.#maxDocumentBytes).catch(
        (error: unknown) => {
          throw CollabRefusal.from(error);
        },
      );
    }
    // Presence documents are awareness-only: nobody edits them, so nothing in them is ever stored.
    data.connectionConfig.readOnly = path === null || !permissionIncludes(permission, 'write');
    return { principal, projectId: target.projectId, path };
  }

  async #principalOf(token: string, context: CollabContext): Promise<Principal | null> {
    const result = await this.options.authenticator.authenticate({
      sessionToken: undefined,
      bearerToken: token,
      ip: context.ip,
      userAgent: context.userAgent,
    });
    return result.kind === 'authenticated' ? result.principal : null;
  }

  /** One document per file: a name must use the path exactly as the workspace spells it. */
  #canonicalPath(path: string): string {
    let normalized: string;
    try {
      normalized = normalizeRelativePath(path);
    } catch (error) {
      throw CollabRefusal.from(error);
    }
    if (normalized === '') throw new CollabRefusal('bad_request', 'Name a file, not the workspace root');
    if (normalized !== path) {
      throw new CollabRefusal('bad_request', `Name the file by its normalized path '${normalized}'`);
    }
    return normalized;
  }

  async #load(data: onLoadDocumentPayload): Promise<void> {
    const target = parseCollabDocumentName(data.documentName);
    if (!target || target.path === null) return;
    await this.#bridge
      .open(data.documentName, target.projectId, target.path, data.document)
      .catch((error: unknown) => {
        throw CollabRefusal.from(error);
      });
  }

  #connected(data: connectedPayload): void {
    const context = data.context as CollabContext;
    if (!context.principal || !context.projectId || context.path === undefined) return;
    this.#connections.add({
      key: `${data.socketId}\0${data.documentName}`,
      connection: data.connection,
      principal: context.principal,
      projectId: context.projectId,
      path: context.path,
    });
  }

  #disconnected(data: onDisconnectPayload): void {
    this.#connections.remove(`${data.socketId}\0${data.documentName}`);
    if (data.clientsCount === 0) this.#lastLeftAt.set(data.documentName, Date.now());
  }

  /** Refuses an update made on a copy of an earlier load of the document (see staleCopyGuard). */
  #screen(data: beforeHandleMessagePayload): void {
    if (!this.#bridge.has(data.documentName) || !isStaleCopy(data.update)) return;
    throw new CollabRefusal(
      'conflict',
      'The file was reloaded from disk since this copy was made: discard it and open the file again',
    );
  }

  /** The last editor left: write what is pending now; keep the document a while for a reconnect. */
  async #beforeUnload({ documentName }: beforeUnloadDocumentPayload): Promise<void> {
    if (!this.#bridge.has(documentName)) return;
    // Refusing keeps the document (and its unsaved edits) in memory; the bridge retries and, once saved,
    // unloads it (onSaved).
    if (!(await this.#bridge.flush(documentName))) throw new CollabRefusal('unsaved', documentName);
    if (this.#closing || !this.#bridge.isLive(documentName)) return;
    const wait = (this.#lastLeftAt.get(documentName) ?? 0) + this.#unloadGraceMs - Date.now();
    if (wait <= 0) return;
    clearTimeout(this.#lingering.get(documentName));
    const timer = setTimeout(() => {
      this.#lingering.delete(documentName);
      this.#unloadIfIdle(documentName);
    }, wait);
    timer.unref();
    this.#lingering.set(documentName, timer);
    throw new CollabRefusal('lingering', documentName);
  }

  async #afterUnload({ documentName }: afterUnloadDocumentPayload): Promise<void> {
    clearTimeout(this.#lingering.get(documentName));
    this.#lingering.delete(documentName);
    this.#lastLeftAt.delete(documentName);
    // Hocuspocus does not catch what this hook throws when a socket close unloads a document.
    await this.#bridge
      .release(documentName)
      .catch((error: unknown) => this.#reportError(error, { documentName }));
  }

  #unloadIfIdle(name: string): void {
    const document = this.#hocuspocus.documents.get(name);
    if (!document || document.getConnectionsCount() > 0) return;
    this.#hocuspocus
      .unloadDocument(document)
      .catch((error: unknown) => this.#reportError(error, { documentName: name }));
  }

  #reportError(error: unknown, context: { documentName?: string; userId?: string }): void {
    this.options.onError?.(error, context);
  }
}
