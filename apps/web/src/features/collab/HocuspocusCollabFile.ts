import { HocuspocusProvider, WebSocketStatus, type HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { collabTextField, type CollabUser } from '@vaporform/contracts';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { collabFileStatus, type CollabFileStatus, type DocumentOutcome } from './collabAvailability';
import type { CollabFile } from './collabFile';

/** One file's document on the project's shared socket. */
export class HocuspocusCollabFile implements CollabFile {
  readonly doc = new Y.Doc();
  readonly text = this.doc.getText(collabTextField);
  readonly provider: HocuspocusProvider;
  private readonly listeners = new Set<() => void>();
  private outcome: DocumentOutcome = 'pending';
  private readonly settled = new Set<(outcome: DocumentOutcome) => void>();
  private connected: boolean;
  private closedByServer = false;

  constructor(
    private readonly socket: HocuspocusProviderWebsocket,
    readonly name: string,
    user: CollabUser,
    private readonly onDispose: (file: HocuspocusCollabFile) => void,
  ) {
    this.connected = socket.status === WebSocketStatus.Connected;
    this.provider = new HocuspocusProvider({
      websocketProvider: socket,
      name,
      document: this.doc,
      // Browsers are known by their session cookie on the upgrade; the protocol still sends a token.
      token: null,
    });
    // Before attaching, so the first awareness message already names this user.
    this.awareness.setLocalStateField('user', user);
    const changed = () => this.changed();
    this.provider.on('synced', () => {
      this.settle('synced');
      changed();
    });
    this.provider.on('unsyncedChanges', changed);
    this.provider.on('authenticated', changed);
    this.provider.on('authenticationFailed', () => {
      this.settle('denied');
      changed();
    });
    this.provider.on('close', () => {
      // A close of the whole socket arrives with the socket already disconnected (the providers reconnect);
      // one that leaves it connected is the server closing just this document.
      if (this.socket.status !== WebSocketStatus.Connected || this.outcome !== 'synced') return;
      this.closedByServer = true;
      changed();
    });
    this.provider.on('status', ({ status }: { status: WebSocketStatus }) => {
      this.connected = status === WebSocketStatus.Connected;
      changed();
    });
    this.provider.attach();
  }

  get awareness(): Awareness {
    // Always set: the provider is created with its own awareness.
    return this.provider.awareness!;
  }

  get readOnly(): boolean {
    return this.provider.authorizedScope === 'readonly' || this.closedByServer;
  }

  get closed(): boolean {
    return this.closedByServer;
  }

  get status(): CollabFileStatus {
    return collabFileStatus({
      connected: this.connected && this.outcome !== 'denied' && !this.closedByServer,
      synced: this.provider.isSynced,
      unsyncedChanges: this.provider.unsyncedChanges,
    });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the document synced, was refused, took longer than `timeoutMs`, or was disposed. */
  whenSettled(timeoutMs: number): Promise<DocumentOutcome> {
    if (this.outcome !== 'pending') return Promise.resolve(this.outcome);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.settled.delete(done);
        resolve('timeout');
      }, timeoutMs);
      const done = (outcome: DocumentOutcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      this.settled.add(done);
    });
  }

  dispose(): void {
    if (this.outcome === 'disposed') return;
    this.settle('disposed', true);
    this.listeners.clear();
    this.provider.destroy();
    this.doc.destroy();
    this.onDispose(this);
  }

  private settle(outcome: DocumentOutcome, force = false): void {
    // A later refusal (access revoked) is recorded too; a later sync after a reconnect changes nothing.
    if (this.outcome !== 'pending' && !force && outcome !== 'denied') return;
    this.outcome = outcome;
    for (const done of [...this.settled]) done(outcome);
    this.settled.clear();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
