import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One request as the fake server saw it. */
export interface RecordedRequest<Body> {
  /** 0-based, in arrival order. */
  index: number;
  method: string;
  /** Path and query, e.g. `/v1/messages`. */
  path: string;
  /** Node's lower-cased header names. */
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (`undefined` when there was none or it did not parse). */
  body: Body;
  /** Resolves once the exchange is over: the response ended or the client went away. */
  closed: Promise<void>;
  /** True once the client closed the connection before the response was complete (an abort). */
  clientClosedEarly: boolean;
  /** True once the whole response has been handed to the OS (so a client that saw less was streamed to). */
  responseComplete: boolean;
}

export interface Exchange<Body> {
  record: RecordedRequest<Body>;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** Whether the response can still be written to. */
  isOpen(): boolean;
}

export interface RunningHttpServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

/**
 * A node:http server on 127.0.0.1 with a random port that parses JSON bodies, records each request and hands it
 * to `handle`. `close()` drops open connections (streams held open by a test end there).
 */
export async function startJsonServer<Body>(
  requests: RecordedRequest<Body>[],
  handle: (exchange: Exchange<Body>) => Promise<void>,
): Promise<RunningHttpServer> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Body | undefined;
      try {
        body = raw ? (JSON.parse(raw) as Body) : undefined;
      } catch {
        body = undefined;
      }
      let resolveClosed!: () => void;
      const record: RecordedRequest<Body> = {
        index: requests.length,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: body as Body,
        closed: new Promise<void>((resolve) => (resolveClosed = resolve)),
        clientClosedEarly: false,
        responseComplete: false,
      };
      res.on('finish', () => (record.responseComplete = true));
      res.on('close', () => {
        if (!res.writableFinished) record.clientClosedEarly = true;
        resolveClosed();
      });
      requests.push(record);
      const exchange: Exchange<Body> = {
        record,
        req,
        res,
        isOpen: () => !res.destroyed && !res.writableEnded,
      };
      await handle(exchange);
    })().catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake server failed: ${String(error)}`);
      } else {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/**
 * Writes Server-Sent Events the way a real API does: one `res.write` per half frame (so a reader sees frames cut
 * mid-line now and then), with an optional pause before each frame.
 */
export class SseWriter {
  constructor(
    private readonly exchange: Exchange<unknown>,
    private readonly delayMs: number,
  ) {}

  /** Answers 200 with an event stream, headers sent at once as the APIs do, and returns its writer. */
  static open(exchange: Exchange<unknown>, delayMs: number, headers: Record<string, string> = {}): SseWriter {
    exchange.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...headers,
    });
    exchange.res.flushHeaders();
    return new SseWriter(exchange, delayMs);
  }

  /** Writes one frame; false when the client has gone away. */
  async frame(text: string): Promise<boolean> {
    if (this.delayMs > 0) await sleep(this.delayMs);
    if (!this.exchange.isOpen()) return false;
    const cut = Math.max(1, Math.floor(text.length / 2));
    this.exchange.res.write(text.slice(0, cut));
    this.exchange.res.write(text.slice(cut));
    return true;
  }

  /** `event: <name>` + `data: <json>` (Anthropic style), or `data:` alone when `name` is null (OpenAI style). */
  event(name: string | null, data: unknown): Promise<boolean> {
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    return this.frame(`${name === null ? '' : `event: ${name}\n`}data: ${payload}\n\n`);
  }

  end(): void {
    if (this.exchange.isOpen()) this.exchange.res.end();
  }

  /** Cuts the connection without finishing the response, like a dropped network. */
  drop(): void {
    this.exchange.res.destroy();
  }

  /** Holds the stream open until the client (or `close()` of the fake) ends it. */
  async hang(): Promise<void> {
    await this.exchange.record.closed;
  }
}

/**
 * Splits JSON text at awkward places, as a real stream does: inside strings, right after a backslash (in the
 * middle of an escape), and every few characters; never between the halves of a surrogate pair.
 */
export function splitAtOddPlaces(text: string, every = 5): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff) continue;
    const previous = text[i - 1];
    if (previous === '\\' || previous === '"' || i - start >= every) {
      parts.push(text.slice(start, i));
      start = i;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((part) => part.length > 0);
}

/** Splits prose into word-sized deltas: `"Hello there"` → `["Hello", " there"]`. */
export function splitWords(text: string): string[] {
  const parts = text.match(/\s*\S+|\s+$/g);
  return parts && parts.length > 0 ? parts : [text];
}
