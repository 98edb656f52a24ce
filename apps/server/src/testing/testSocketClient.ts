import type { WebSocket } from 'ws';

/**
 * The client end of a test WebSocket, as a browser tab holds it: when the handshake completed (or why the
 * server refused it) and how the socket closed. Subclasses collect what the server sends as their protocol needs.
 */
export class TestSocketClient {
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`handshake refused with ${response.statusCode}`)),
      );
    });
  }
}
