import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { pipeline, Readable, Transform } from 'node:stream';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { AppError } from '../../../platform/errors/AppError.js';
import { forbiddenAddressKind } from './addressPolicy.js';

/** No single MCP response (a JSON answer, one SSE stream) may hold more than this in the server's memory. */
const maxResponseBytes = 16 * 1024 * 1024;

/**
 * Which hosts a project's HTTP MCP servers may be reached on. A URL comes from a project's files, so the
 * server must not become its way into the server's own host or the private networks around it: every
 * address a host resolves to is checked, at connect time (a DNS answer that changes between a check and
 * the connection cannot slip through), unless an administrator listed the host in
 * VAPORFORM_MCP_ALLOWED_HOSTS.
 */
export class McpHostPolicy {
  readonly #allowed: Set<string>;
  readonly #agents: { http: http.Agent; https: https.Agent };

  constructor(allowedHosts: readonly string[]) {
    this.#allowed = new Set(allowedHosts.map(normalizeHost).filter((host) => host !== ''));
    const lookup = this.lookup;
    this.#agents = {
      http: new http.Agent({ keepAlive: true, lookup }),
      https: new https.Agent({ keepAlive: true, lookup }),
    };
  }

  isAllowed(hostname: string): boolean {
    return this.#allowed.has(normalizeHost(hostname));
  }

  /** Throws `forbidden`, saying which address and why, when `url` leads where MCP servers may not be. */
  async check(url: URL): Promise<void> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new AppError('forbidden', `${url.protocol} URLs are not supported: use http:// or https://`);
    }
    const host = normalizeHost(url.hostname);
    if (this.#allowed.has(host)) return;
    if (isIP(host) !== 0) {
      const kind = forbiddenAddressKind(host);
      if (kind !== null) throw refusal(host, host, kind);
      return;
    }
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
    ).catch((error: unknown) => {
      throw new AppError('unavailable', `${host} could not be resolved`, { cause: error });
    });
    for (const { address } of addresses) {
      const kind = forbiddenAddressKind(address);
      if (kind !== null) throw refusal(host, address, kind);
    }
  }

  /** A `fetch` for the SDK's HTTP transport that connects only where `check` allows; it follows no redirect. */
  readonly fetch: FetchLike = async (input, init = {}) => {
    const url = new URL(input);
    await this.check(url);
    const body = requestBody(init.body);
    const method = init.method ?? 'GET';
    const client = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? this.#agents.https : this.#agents.http;
    return new Promise<Response>((resolve, reject) => {
      const request = client.request(url, {
        method,
        headers: plainHeaders(init.headers),
        agent,
        ...(init.signal ? { signal: init.signal } : {}),
      });
      request.once('error', reject);
      request.once('response', (response) => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 599) {
          response.destroy();
          reject(new Error(`unexpected HTTP status ${status}`));
          return;
        }
        const headers = new Headers();
        for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
          headers.append(response.rawHeaders[i] ?? '', response.rawHeaders[i + 1] ?? '');
        }
        const empty = method === 'HEAD' || status === 204 || status === 205 || status === 304;
        if (empty) response.resume();
        // pipeline, unlike pipe, passes an abort (the SDK closing an SSE stream) on to the reader.
        const body = empty ? null : pipeline(response, capped(), () => undefined);
        const stream = body === null ? null : (Readable.toWeb(body) as ReadableStream);
        resolve(new Response(stream, { status, statusText: response.statusMessage ?? '', headers }));
      });
      request.end(body);
    });
  };

  dispose(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  /**
   * `dns.lookup` that fails for a forbidden address unless the host is allowed: the agents connect through
   * it, so the address checked is the address connected to.
   */
  readonly lookup: LookupFunction = (hostname, options: LookupOptions, callback) => {
    const allowed = this.isAllowed(hostname);
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      const first = addresses[0];
      if (error || first === undefined) {
        callback(error ?? new Error(`${hostname} has no address`), '', 0);
        return;
      }
      for (const { address } of allowed ? [] : addresses) {
        const kind = forbiddenAddressKind(address);
        if (kind !== null) return callback(refusal(hostname, address, kind), '', 0);
      }
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

function refusal(host: string, address: string, kind: string): AppError {
  const what = host === address ? `${host} is ${kind}` : `${host} resolves to ${address}, ${kind}`;
  return new AppError(
    'forbidden',
    `${what}: MCP servers on this server's own host or on private networks are refused. An administrator ` +
      `can allow the host by adding it to VAPORFORM_MCP_ALLOWED_HOSTS.`,
  );
}

/** Lower case, without the brackets of an IPv6 literal or a trailing dot. */
function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

function plainHeaders(init: RequestInit['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  new Headers(init).forEach((value, name) => (headers[name] = value));
  return headers;
}

function requestBody(body: RequestInit['body']): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('MCP requests send text or bytes only');
}

function capped(): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen <= maxResponseBytes) return callback(null, chunk);
      callback(new Error(`the MCP server's response exceeded ${maxResponseBytes} bytes`));
    },
  });
}
