import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../apps/server/src/platform/http/createHttpApp.js';
import { findUnguardedRoutes, registeredRoutes } from '../apps/server/src/platform/http/routeGuard.js';
import { testDatabaseKinds } from '../apps/server/src/testing/testDatabases.js';
import { startTestServer, type TestServer } from '../apps/server/src/testing/testServer.js';

const [pglite] = testDatabaseKinds();

function throwawayApp() {
  return createHttpApp({
    logger: pino({ level: 'silent' }),
    bodyLimitBytes: 1024,
    trustProxy: false,
    origin: { publicOrigin: 'http://localhost:4000', isForeignHost: () => false },
    authenticator: { authenticate: async () => ({ kind: 'anonymous' }) },
    projects: { permissionOf: async () => null, idForSlug: async () => null },
    version: 'test',
  });
}

describe('route-coverage guard', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(await pglite!.open());
  });
  afterAll(async () => server?.close());

  it('finds a declared policy on every route of the real server', () => {
    const routes = registeredRoutes(server.app);
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.map((route) => `${route.method} ${route.url}`)).toContain('GET /api/auth/me');
    expect(findUnguardedRoutes(server.app)).toEqual([]);
  });

  it('lists every public API route in the OpenAPI document', async () => {
    const response = await server.request({ method: 'GET', url: '/api/openapi.json' });
    const document = response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(document.openapi).toMatch(/^3\./);
    const documented = new Set(
      Object.entries(document.paths).flatMap(([url, methods]) =>
        Object.keys(methods).map(
          (method) => `${method.toUpperCase()} ${url.replace(/\{\*\}/g, '*').replace(/\{(\w+)\}/g, ':$1')}`,
        ),
      ),
    );
    const expected = registeredRoutes(server.app)
      .filter(
        (route) =>
          route.url.startsWith('/api/') && route.url !== '/api/openapi.json' && route.method !== 'HEAD',
      )
      .map((route) => `${route.method} ${route.url}`);
    expect(expected.filter((route) => !documented.has(route))).toEqual([]);
  });

  it('refuses to start an app with an HTTP route that has no policy', async () => {
    const app = await throwawayApp();
    app.get('/api/forgotten', async () => ({ leaked: true }));
    await expect(app.ready()).rejects.toThrow(/GET \/api\/forgotten/);
    await app.close().catch(() => undefined);
  });

  it('refuses to start an app with a WebSocket endpoint that has no policy', async () => {
    const app = await throwawayApp();
    app.get('/api/forgotten-socket', { websocket: true }, (socket) => socket.close());
    await expect(app.ready()).rejects.toThrow(/\/api\/forgotten-socket/);
    expect(findUnguardedRoutes(app).some((route) => route.websocket)).toBe(true);
    await app.close().catch(() => undefined);
  });
});
