import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { collabTextField } from '@vaporform/contracts';
import { WebSocket } from 'ws';
import * as Y from 'yjs';

export interface CollabClientOptions {
  /** `ws://host:port` of the server. */
  base: string;
  name: string;
  /** Sent as the upgrade's Origin; null sends none. */
  origin: string | null;
  cookie?: string;
  /** An API token, passed as the provider's token. */
  token?: string;
  /** A document to reuse (a client reconnecting with the copy it had). */
  document?: Y.Doc;
}

/**
 * A Hocuspocus provider in Node as the IDE holds one: `ws` stands in for the browser's WebSocket (Node 20 has
 * none) and sends the headers a browser would. Everything the server says about the document is kept.
 */
export class CollabClient {
  readonly document: Y.Doc;
  readonly text: Y.Text;
  readonly socket: HocuspocusProviderWebsocket;
  readonly provider: HocuspocusProvider;
  scope: string | null = null;
  failure: string | null = null;
  /** Reasons of per-document closes, and `socket:<code>` for each socket close. */
  readonly closes: string[] = [];

  constructor(options: CollabClientOptions) {
    const headers: Record<string, string> = {};
    if (options.origin !== null) headers.origin = options.origin;
    if (options.cookie) headers.cookie = options.cookie;
    const polyfill = class extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols, { headers });
      }
    };
    this.socket = new HocuspocusProviderWebsocket({
      url: `${options.base}/collab`,
      WebSocketPolyfill: polyfill,
      // Tests reconnect on purpose; a quick retry keeps them short.
      delay: 50,
      minDelay: 50,
      maxDelay: 200,
      onClose: ({ event }) => this.closes.push(`socket:${event.code}`),
    });
    this.document = options.document ?? new Y.Doc();
    this.text = this.document.getText(collabTextField);
    this.provider = new HocuspocusProvider({
      websocketProvider: this.socket,
      name: options.name,
      document: this.document,
      token: options.token ?? null,
      onAuthenticated: ({ scope }) => (this.scope = scope),
      onAuthenticationFailed: ({ reason }) => (this.failure = reason),
    });
    // Per-document closes arrive as a CLOSE message: code 1000 with the server's reason.
    this.provider.on('close', ({ event }: { event: { code: number; reason: string } }) => {
      if (event.code === 1000 && event.reason) this.closes.push(event.reason);
    });
    this.provider.attach();
  }

  get content(): string {
    return this.text.toJSON();
  }

  /** Resolves once synced (or rejects with the refusal). */
  async ready(timeoutMs = 5_000): Promise<void> {
    await waitFor(() => {
      if (this.failure !== null) throw new Error(`refused: ${this.failure}`);
      return this.provider.synced;
    }, timeoutMs);
  }

  /** Resolves with the refusal reason. */
  async refused(timeoutMs = 5_000): Promise<string> {
    await waitFor(() => this.failure !== null, timeoutMs);
    return this.failure!;
  }

  /** Every local edit acknowledged by the server (applied to its document). */
  async acknowledged(timeoutMs = 5_000): Promise<void> {
    await waitFor(() => this.provider.unsyncedChanges === 0, timeoutMs);
  }

  destroy(): void {
    this.provider.destroy();
    this.socket.destroy();
  }
}

/** Polls `condition` until it holds; its exceptions end the wait at once. */
export async function waitFor(
  condition: () => boolean,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (condition()) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
