import { Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { permissionIncludes, type ContainerInfo, type ProjectPermission } from '@vaporform/contracts';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { HostInterceptor } from '../../platform/http/createHttpApp.js';
import type { Principal } from '../../platform/http/policy.js';
import { previewPage } from './previewPages.js';
import { reporterPath, reporterScript, ReporterInjector, shouldInject } from './previewReporter.js';
import type { PreviewClaims, PreviewTokens } from './previewTokens.js';

export const previewCookie = 'vf_preview';
/** Where the IDE's grant lands on the preview origin and becomes the session cookie. */
export const sessionPath = '/__vaporform/session';
const sessionSeconds = 12 * 60 * 60;

/** Never forwarded to the app: the IDE's credentials (and hop-by-hop headers). */
const droppedHeaders = new Set([
  'authorization',
  'proxy-authorization',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
]);
const droppedCookies = new Set(['vf_session', previewCookie]);

export interface PreviewProject {
  id: string;
  slug: string;
  visibility: 'private' | 'public';
}

export interface PreviewGatewayOptions {
  /** `preview.localhost:4000`: previews are served at `<slug>.<previewHost>`. */
  previewHost: string;
  /** The IDE's origin, where the handshake starts. */
  publicOrigin: string;
  tokens: PreviewTokens;
  findBySlug(slug: string): Promise<PreviewProject | null>;
  permissionOf(principal: Principal, projectId: string): Promise<ProjectPermission | null>;
  containerInfo(projectId: string): Promise<ContainerInfo>;
  /** Wakes a stopped project for a viewer who may run it. */
  start(projectId: string, userId: string): Promise<unknown>;
  touch(projectId: string): void;
  /** Inject the script that reports page errors to the IDE (`VAPORFORM_PREVIEW_REPORTER`). */
  reportErrors: boolean;
  logger: Logger;
}

type Access =
  { allowed: true; userId: string | null; permission: ProjectPermission | null } | { allowed: false };

/**
 * The preview origin: `<slug>.<previewHost>` is proxied (HTTP and WebSocket, keep-alive) to that project's
 * published app port and nothing else — no host or port is ever taken from the request. Private projects
 * need a preview session: a cookie on the preview origin minted from a short-lived grant the IDE signs.
 */
export class PreviewGateway implements HostInterceptor {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });
  readonly #suffix: string;
  /** Slug → project for a few seconds: every request of a page would otherwise ask the database. */
  readonly #projects = new LRUCache<string, { project: PreviewProject | null }>({ max: 10_000, ttl: 5_000 });
  readonly #reporter: Buffer;

  constructor(private readonly options: PreviewGatewayOptions) {
    this.#suffix = `.${options.previewHost.toLowerCase()}`;
    this.#reporter = Buffer.from(reporterScript(options.publicOrigin));
  }

  /** The project slug a Host header names, or null when it is not a preview host. */
  slugOf(host: string | undefined): string | null {
    const name = host?.toLowerCase();
    if (!name?.endsWith(this.#suffix)) return null;
    const slug = name.slice(0, -this.#suffix.length);
    return /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) ? slug : null;
  }

  claims(request: IncomingMessage): boolean {
    return this.slugOf(request.headers.host) !== null;
  }

  /** `http://<slug>.<previewHost>` with the IDE's scheme. */
  urlOf(slug: string, path = '/'): string {
    const scheme = new URL(this.options.publicOrigin).protocol;
    return `${scheme}//${slug}${this.#suffix}${path}`;
  }

  handleRequest(request: IncomingMessage, response: ServerResponse): void {
    void this.#serve(request, response).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'preview request failed');
      if (!response.headersSent)
        send(response, 502, previewPage({ title: 'Preview failed', message: 'Try again.' }));
      else response.destroy();
    });
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    void this.#upgrade(request, socket, head).catch(() => socket.destroy());
  }

  /** A project's slug or visibility changed, or it was deleted: look it up afresh. */
  forgetProjects(): void {
    this.#projects.clear();
  }

  dispose(): void {
    this.#agent.destroy();
  }

  async #project(request: IncomingMessage): Promise<PreviewProject | null> {
    const slug = this.slugOf(request.headers.host) ?? '';
    let cached = this.#projects.get(slug);
    if (!cached) {
      cached = { project: await this.options.findBySlug(slug) };
      this.#projects.set(slug, cached);
    }
    return cached.project;
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const project = await this.#project(request);
    if (!project) {
      send(
        response,
        404,
        previewPage({ title: 'No such project', message: 'Nothing is published at this address.' }),
      );
      return;
    }
    const url = new URL(request.url ?? '/', 'http://preview');
    if (url.pathname === sessionPath) {
      this.#startSession(project, url, response);
      return;
    }
    if (url.pathname === reporterPath && this.options.reportErrors) {
      response.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=300',
        'content-length': this.#reporter.length,
      });
      response.end(this.#reporter);
      return;
    }
    const access = await this.#access(project, request);
    if (!access.allowed) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        const back = `/api/projects/${project.id}/preview-session?path=${encodeURIComponent(request.url ?? '/')}`;
        response.writeHead(302, {
          location: `${this.options.publicOrigin}${back}`,
          'cache-control': 'no-store',
        });
        response.end();
      } else {
        send(response, 401, previewPage({ title: 'Sign in', message: 'Open this preview from the IDE.' }));
      }
      return;
    }
    this.options.touch(project.id);
    const info = await this.options.containerInfo(project.id);
    if (!(info.status === 'running' || info.status === 'starting') || !info.address) {
      await this.#notRunning(project, info, access, response);
      return;
    }
    this.#proxy(request, response, info);
  }

  /** The IDE's grant becomes the session cookie, then back to the page that was asked for. */
  #startSession(project: PreviewProject, url: URL, response: ServerResponse): void {
    const grant = this.options.tokens.verify(url.searchParams.get('grant') ?? undefined, 'grant');
    if (!grant || grant.projectId !== project.id) {
      send(
        response,
        403,
        previewPage({ title: 'Link expired', message: 'Open the preview again from the IDE.' }),
      );
      return;
    }
    const session = this.options.tokens.sign(
      { kind: 'session', projectId: project.id, userId: grant.userId, role: grant.role },
      sessionSeconds,
    );
    const requested = url.searchParams.get('path') ?? '/';
    // Only a path on this origin: `//evil.example` or a scheme would make this an open redirect.
    const path = requested.startsWith('/') && !requested.startsWith('//') ? requested : '/';
    response.writeHead(302, {
      location: path,
      'set-cookie': this.#cookie(session),
      'cache-control': 'no-store',
    });
    response.end();
  }

  /**
   * The preview is shown in an iframe of the IDE, a different site: only a `SameSite=None; Secure` cookie
   * (partitioned under the IDE) travels there. Browsers accept `Secure` on https and on localhost; on a plain
   * http host anything else, the cookie is `Lax` and works when the preview is opened as its own tab.
   */
  #cookie(value: string): string {
    const origin = new URL(this.options.publicOrigin);
    const secureContext = origin.protocol === 'https:' || /(^|\.)localhost$/.test(origin.hostname);
    const attributes = secureContext ? 'SameSite=None; Secure; Partitioned' : 'SameSite=Lax';
    return `${previewCookie}=${value}; Path=/; HttpOnly; Max-Age=${sessionSeconds}; ${attributes}`;
  }

  async #access(project: PreviewProject, request: IncomingMessage): Promise<Access> {
    const claims = this.options.tokens.verify(cookieValue(request.headers.cookie, previewCookie), 'session');
    const permission = claims && claims.projectId === project.id ? await this.#permission(claims) : null;
    if (permission !== null) return { allowed: true, userId: claims?.userId ?? null, permission };
    if (project.visibility === 'public') return { allowed: true, userId: null, permission: null };
    return { allowed: false };
  }

  #permission(claims: PreviewClaims): Promise<ProjectPermission | null> {
    const principal: Principal = {
      userId: claims.userId,
      role: claims.role,
      email: '',
      name: '',
      via: 'session',
      credentialId: 'preview',
    };
    return this.options.permissionOf(principal, claims.projectId);
  }

  async #notRunning(
    project: PreviewProject,
    info: ContainerInfo,
    access: Extract<Access, { allowed: true }>,
    response: ServerResponse,
  ): Promise<void> {
    if (info.status === 'crashed') {
      send(
        response,
        502,
        previewPage({
          title: 'The app crashed',
          message: info.message ?? 'It exited; fix the code and save to restart it.',
          lines: info.lastLogLines,
          refreshSeconds: 5,
        }),
      );
      return;
    }
    const mayRun =
      access.userId !== null &&
      access.permission !== null &&
      permissionIncludes(access.permission, 'execute');
    if (info.status === 'stopped' && mayRun && access.userId !== null) {
      await this.options.start(project.id, access.userId).catch(() => undefined);
    }
    const starting = info.status !== 'stopped' || mayRun;
    send(
      response,
      503,
      previewPage({
        title: starting ? 'Starting…' : 'This project is stopped',
        message: starting
          ? (info.message ?? 'The app is starting; this page reloads by itself.')
          : 'Someone who may run it has to start it from the IDE.',
        ...(starting ? { refreshSeconds: 2 } : {}),
      }),
    );
  }

  #proxy(request: IncomingMessage, response: ServerResponse, info: ContainerInfo): void {
    const address = info.address!;
    const headers = forwardedHeaders(request, false);
    const inject = this.options.reportErrors && request.method === 'GET' && isDocumentRequest(request);
    // The tag goes into the page as it streams, which a compressed body would not allow.
    if (inject) headers['accept-encoding'] = 'identity';
    const upstream = httpRequest(
      {
        host: address.host,
        port: address.port,
        method: request.method,
        path: request.url,
        headers,
        agent: this.#agent,
      },
      (answer) => {
        if (inject && shouldInject(answer.headers)) {
          const { 'content-length': _length, ...rest } = answer.headers;
          response.writeHead(answer.statusCode ?? 502, rest);
          answer.pipe(new ReporterInjector()).pipe(response);
          return;
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      send(
        response,
        502,
        previewPage({
          title: 'The app is not answering',
          message: `Nothing answered on port ${info.appPort} yet; this page reloads by itself.`,
          refreshSeconds: 2,
        }),
      );
    });
    request.pipe(upstream);
  }

  async #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const project = await this.#project(request);
    const access = project ? await this.#access(project, request) : { allowed: false as const };
    const info = project && access.allowed ? await this.options.containerInfo(project.id) : null;
    if (!project || !info?.address) {
      socket.end(
        `HTTP/1.1 ${project && access.allowed ? 503 : 403} Preview unavailable\r\nConnection: close\r\n\r\n`,
      );
      return;
    }
    this.options.touch(project.id);
    const upstream = connect(info.address.port, info.address.host, () => {
      const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/1.1`];
      for (const [name, value] of Object.entries(forwardedHeaders(request, true))) {
        for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${item}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    const close = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', close);
    socket.on('error', close);
  }
}

function send(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(html),
  });
  response.end(html);
}

/** A page load (top level or in the IDE's iframe), not a fetch, script or image. */
function isDocumentRequest(request: IncomingMessage): boolean {
  const destination = request.headers['sec-fetch-dest'];
  if (destination !== undefined) return destination === 'document' || destination === 'iframe';
  return request.headers.accept?.includes('text/html') ?? false;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** The request's headers for the app: no IDE credentials, the app's own cookies kept, X-Forwarded-* added. */
function forwardedHeaders(request: IncomingMessage, upgrade: boolean): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (droppedHeaders.has(name) && !(upgrade && (name === 'upgrade' || name === 'connection'))) continue;
    if (name === 'cookie') {
      const kept = String(value)
        .split(';')
        .map((part) => part.trim())
        .filter((part) => part !== '' && !droppedCookies.has(part.split('=')[0] ?? ''));
      if (kept.length > 0) headers.cookie = kept.join('; ');
      continue;
    }
    headers[name] = value;
  }
  headers['x-forwarded-host'] = request.headers.host ?? '';
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-for'] = request.socket.remoteAddress ?? '';
  return headers;
}
