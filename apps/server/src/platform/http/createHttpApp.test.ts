import type { ProjectPermission } from '@vaporform/contracts';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from './createHttpApp.js';
import type { Principal } from './policy.js';

const projectId = '11111111-1111-4111-8111-111111111111';

function principal(userId: string, role: Principal['role'] = 'user'): Principal {
  return { userId, email: `${userId}@example.com`, name: userId, role, via: 'token', credentialId: userId };
}

/** Tokens name the caller; the membership table is a map. Only the edge's decisions are under test. */
const members = new Map<string, ProjectPermission>([
  ['reader', 'read'],
  ['writer', 'write'],
  ['executor', 'execute'],
  ['owner', 'admin'],
]);

describe('policy enforcement at the HTTP edge', () => {
  let app: HttpApp;

  beforeAll(async () => {
    app = await createHttpApp({
      logger: pino({ level: 'silent' }),
      bodyLimitBytes: 1024,
      trustProxy: false,
      origin: { publicOrigin: 'http://localhost:4000', isForeignHost: () => false },
      authenticator: {
        authenticate: async ({ bearerToken }) => {
          if (bearerToken === 'root') return { kind: 'authenticated', principal: principal('root', 'admin') };
          if (bearerToken && bearerToken !== 'bad')
            return { kind: 'authenticated', principal: principal(bearerToken) };
          return { kind: 'rejected', reason: 'bad token' };
        },
      },
      projects: {
        idForSlug: async (slug) => (slug === 'the-project' ? projectId : null),
        permissionOf: async (caller, id) =>
          id !== projectId ? null : caller.role === 'admin' ? 'admin' : (members.get(caller.userId) ?? null),
      },
      version: 'test',
    });
    for (const permission of ['read', 'write', 'execute', 'admin'] as const) {
      app.post(
        `/api/projects/:id/needs-${permission}`,
        { config: { policy: { access: 'project', permission } } },
        async (request) => ({ held: request.projectPermission }),
      );
    }
    app.get(
      '/git/:repo/info/refs',
      { config: { policy: { access: 'project', permission: 'read', param: 'repo', by: 'slug' } } },
      async (request) => ({ projectId: request.projectId }),
    );
    app.get('/api/admin-only', { config: { policy: { access: 'admin' } } }, async () => ({ ok: true }));
    await app.ready();
  });
  afterAll(async () => app?.close());

  const call = (token: string, permission: string, id = projectId) =>
    app.inject({
      method: 'POST',
      url: `/api/projects/${id}/needs-${permission}`,
      headers: { authorization: `Bearer ${token}` },
    });

  it.each([
    ['reader', 'read', 200],
    ['reader', 'write', 403],
    ['writer', 'write', 200],
    ['writer', 'execute', 403],
    ['executor', 'write', 200],
    ['executor', 'execute', 200],
    ['executor', 'admin', 403],
    ['owner', 'admin', 200],
    ['root', 'admin', 200],
  ])('%s calling a route that needs %s → %i', async (caller, needed, status) => {
    const response = await call(caller, needed);
    expect(response.statusCode).toBe(status);
    if (status === 403)
      expect(response.json()).toMatchObject({ error: { message: expect.stringContaining(needed) } });
  });

  it('answers 404 to a non-member, so project ids cannot be probed', async () => {
    const response = await call('stranger', 'read');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('answers 404 for a malformed or unknown project id', async () => {
    expect((await call('owner', 'read', 'not-a-uuid')).statusCode).toBe(404);
    expect((await call('owner', 'read', '22222222-2222-4222-8222-222222222222')).statusCode).toBe(404);
  });

  it('rejects a bad credential with 401 before looking at the project', async () => {
    const response = await call('bad', 'read');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { message: 'bad token' } });
  });

  it('resolves a project named by slug, and hides unknown slugs', async () => {
    const known = await app.inject({
      method: 'GET',
      url: '/git/the-project.git/info/refs',
      headers: { authorization: 'Bearer reader' },
    });
    expect(known.json()).toEqual({ projectId });
    const unknown = await app.inject({
      method: 'GET',
      url: '/git/other.git/info/refs',
      headers: { authorization: 'Bearer reader' },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('takes an API token as the Basic password, as git clients send it', async () => {
    const basic = Buffer.from('anyone:reader').toString('base64');
    const response = await app.inject({
      method: 'GET',
      url: '/git/the-project.git/info/refs',
      headers: { authorization: `Basic ${basic}` },
    });
    expect(response.statusCode).toBe(200);
    const anonymous = await app.inject({ method: 'GET', url: '/git/the-project.git/info/refs' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic/);
  });

  it('accepts a WebSocket handshake only from the IDE origin', async () => {
    const handshake = (origin: string | undefined) =>
      app.inject({
        method: 'GET',
        url: '/api/admin-only',
        headers: {
          authorization: 'Bearer root',
          upgrade: 'websocket',
          connection: 'Upgrade',
          ...(origin ? { origin } : {}),
        },
      });
    expect((await handshake('http://app.preview.localhost:4000')).statusCode).toBe(403);
    expect((await handshake(undefined)).statusCode).toBe(403);
    expect((await handshake('http://localhost:4000')).statusCode).toBe(200);
  });

  it('keeps admin routes for platform admins', async () => {
    const asUser = await app.inject({
      method: 'GET',
      url: '/api/admin-only',
      headers: { authorization: 'Bearer owner' },
    });
    const asAdmin = await app.inject({
      method: 'GET',
      url: '/api/admin-only',
      headers: { authorization: 'Bearer root' },
    });
    expect([asUser.statusCode, asAdmin.statusCode]).toEqual([403, 200]);
  });
});
