import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import { permissionIncludes } from '@vaporform/contracts';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AppError } from '../errors/AppError.js';
import { sendError } from './errorHandler.js';
import { crossSiteRefusal, type OriginPolicy } from './originCheck.js';
import type { Authenticator, Credentials, ProjectAuthorizer, RoutePolicy } from './policy.js';
import { installRouteGuard } from './routeGuard.js';

export const sessionCookieName = 'vf_session';

export type HttpApp = FastifyInstance;

export interface HttpAppOptions {
  logger: FastifyBaseLogger;
  bodyLimitBytes: number;
  trustProxy: boolean;
  origin: OriginPolicy;
  authenticator: Authenticator;
  projects: ProjectAuthorizer;
  version: string;
  /**
   * Requests for other hosts (the preview origin) never reach the API's routes, hooks or cookies: the
   * interceptor takes them whole, plain and WebSocket alike, when `claims` says so.
   */
  hostInterceptor?: HostInterceptor;
}

export interface HostInterceptor {
  claims(request: IncomingMessage): boolean;
  handleRequest(request: IncomingMessage, response: ServerResponse): void;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A Bearer token, or Basic credentials whose password is an API token: git clients only speak Basic
 * (`git clone http://anything:<token>@host/git/<slug>.git`).
 */
function tokenFrom(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  if (bearer) return bearer;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization)?.[1];
  if (!basic) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return password === '' ? undefined : password;
}

function credentialsOf(request: FastifyRequest): Credentials {
  const bearer = tokenFrom(request.headers.authorization);
  return {
    sessionToken: request.cookies[sessionCookieName],
    bearerToken: bearer,
    ip: request.ip,
    userAgent: request.headers['user-agent'],
  };
}

/**
 * The HTTP edge shared by every service: request ids, logging, the error model, body limits, schema
 * validation, OpenAPI, and the single hook that authenticates and authorizes each route by its policy.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const interceptor = options.hostInterceptor;
  const app = Fastify({
    ...(interceptor
      ? {
          serverFactory: (handler: (request: IncomingMessage, response: ServerResponse) => void) =>
            createServer((request, response) =>
              interceptor.claims(request)
                ? interceptor.handleRequest(request, response)
                : handler(request, response),
            ),
        }
      : {}),
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    },
    // find-my-way's default (100) would turn a valid 128-character secret name into a 414; longer ones
    // still reach the route's schema, which says what a name may be.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    forceCloseConnections: true,
    // Errors Fastify raises before routing (a malformed URL) go through the same error model.
    frameworkErrors: (error, request, reply) => void sendError(request, reply, error),
    return503OnClosing: true,
  });
  // JSON is the only body the API accepts unless a route scope adds a parser (file uploads do).
  app.removeContentTypeParser('text/plain');
  // Many clients label a body-less POST (logout, checkpoint) as JSON; an empty body means "no body" then.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    void parseJson(request, text, done);
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installRouteGuard(app);

  app.decorateRequest('principal', null);
  app.decorateRequest('projectPermission', null);
  app.decorateRequest('projectId', null);
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));

  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: options.bodyLimitBytes } });
  if (interceptor) claimUpgrades(app.server, interceptor);
  // @fastify/websocket hides its routes from OpenAPI; ours are public API (their description says how to
  // use them), so they are listed. Runs after the plugin's own onRoute hook, before the document is built.
  app.addHook('onRoute', (route) => {
    if ((route as { websocket?: boolean }).websocket && route.schema?.description) route.schema.hide = false;
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Vaporform API', version: options.version },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token from POST /api/auth/tokens',
          },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: sessionCookieName },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  app.addHook('onRoute', (route) => {
    const policy = route.config?.policy;
    if (policy && policy.access !== 'public') {
      route.schema = { ...route.schema, security: [{ bearerAuth: [] }, { sessionCookie: [] }] };
    }
  });

  // Callback style, not async: most requests (public, no credentials) finish synchronously, and this hook
  // runs on every request, so it should not allocate a promise it does not need.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    const policy = request.routeOptions.config.policy;
    // Not-found requests have no route and no policy; they get a 404 whatever the caller is.
    if (!policy) return done();
    const refusal = crossSiteRefusal(request, options.origin);
    if (refusal) return done(new AppError('forbidden', refusal));
    const credentials = credentialsOf(request);
    if (
      policy.access === 'public' &&
      credentials.sessionToken === undefined &&
      credentials.bearerToken === undefined
    ) {
      return done();
    }
    authorize(request, policy, credentials, options).then(() => done(), done);
  });

  app.get(
    '/api/openapi.json',
    { config: { policy: { access: 'public' } }, schema: { hide: true } },
    async () => app.swagger(),
  );
  return app;
}

async function authorize(
  request: FastifyRequest,
  policy: RoutePolicy,
  credentials: Credentials,
  options: HttpAppOptions,
): Promise<void> {
  if (credentials.sessionToken !== undefined || credentials.bearerToken !== undefined) {
    const result = await options.authenticator.authenticate(credentials);
    if (result.kind === 'authenticated') request.principal = result.principal;
    else if (result.kind === 'rejected' && policy.access !== 'public')
      throw AppError.unauthenticated(result.reason);
  }
  if (policy.access === 'public') return;
  const principal = request.principal;
  if (!principal) throw AppError.unauthenticated();
  if (policy.access === 'authenticated') return;
  if (policy.access === 'admin') {
    if (principal.role !== 'admin') throw AppError.forbidden('Only an administrator can do that');
    return;
  }
  const named = (request.params as Record<string, string | undefined>)[policy.param ?? 'id'];
  const projectId = policy.by === 'slug' ? await idForSlug(named, options.projects) : named;
  // A project that is malformed, missing or not shared with the caller all look the same: not found.
  if (!projectId || !uuidPattern.test(projectId)) throw AppError.notFound('Project');
  const held = await options.projects.permissionOf(principal, projectId);
  if (!held) throw AppError.notFound('Project');
  if (!permissionIncludes(held, policy.permission)) {
    throw AppError.forbidden(
      `This needs the '${policy.permission}' permission on the project; you have '${held}'`,
    );
  }
  request.projectPermission = held;
  request.projectId = projectId;
}

async function idForSlug(named: string | undefined, projects: ProjectAuthorizer): Promise<string | null> {
  const slug = named?.replace(/\.git$/, '');
  return slug && /^[a-z0-9-]{1,40}$/.test(slug) ? projects.idForSlug(slug) : null;
}

/** The typed view of the app that route files use. */
export function typed(app: HttpApp) {
  return app.withTypeProvider<ZodTypeProvider>();
}

/** Upgrades for intercepted hosts go to the interceptor; the others to the listeners already there. */
function claimUpgrades(server: Server, interceptor: HostInterceptor): void {
  const others = server.listeners('upgrade') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (interceptor.claims(request)) interceptor.handleUpgrade(request, socket, head);
    else for (const listener of others) listener.call(server, request, socket, head);
  });
}
