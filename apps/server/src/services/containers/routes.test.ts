import type { ContainerInfo } from '@vaporform/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { startTestServer, type TestServer } from '../../testing/testServer.js';
import { LocalRuntime } from './localRuntime.js';

const database = testDatabaseKinds()[0]!;

describe('container routes without Docker', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function projectOf(token: string, templateId = 'go-http'): Promise<string> {
    const response = await server!.request({
      method: 'POST',
      url: '/api/projects',
      token,
      body: { name: `p ${Math.random()}`, templateId },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  }

  it('reports a stopped project and answers 503 with the reason when no runtime is available', async () => {
    server = await startTestServer(await database.open());
    const { token } = await server.userWithToken('admin@example.com');
    const id = await projectOf(token);
    const status = await server.request({ method: 'GET', url: `/api/projects/${id}/container`, token });
    expect(status.json<ContainerInfo>()).toMatchObject({
      status: 'stopped',
      appPort: 8080,
      address: null,
      message: 'This test server has no container runtime',
    });
    const start = await server.request({ method: 'POST', url: `/api/projects/${id}/container/start`, token });
    expect(start.statusCode).toBe(503);
    expect(start.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'unavailable',
      message: 'This test server has no container runtime',
    });
    const query = await server.request({
      method: 'POST',
      url: `/api/projects/${id}/container/start?wait=maybe`,
      token,
    });
    expect(query.statusCode).toBe(400);
  });

  it('answers 409 for the stats of a project that is not running', async () => {
    server = await startTestServer(await database.open());
    const { token } = await server.userWithToken('admin@example.com');
    const stranger = await server.userWithToken('stranger@example.com');
    const id = await projectOf(token);
    const stats = await server.request({ method: 'GET', url: `/api/projects/${id}/container/stats`, token });
    expect(stats.statusCode).toBe(409);
    expect(stats.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'conflict',
      message: 'The project is not running: start it first',
    });
    const hidden = await server.request({
      method: 'GET',
      url: `/api/projects/${id}/container/stats`,
      token: stranger.token,
    });
    expect(hidden.statusCode).toBe(404);
  });

  it('lets admins size new containers per stack, and only admins', async () => {
    server = await startTestServer(await database.open());
    const admin = await server.userWithToken('admin@example.com');
    const user = await server.userWithToken('user@example.com');
    const plans = await server.request({ method: 'GET', url: '/api/admin/resources', token: admin.token });
    expect(plans.json()).toMatchObject({
      node: { memoryBytes: 512 * 1024 * 1024, cpus: 0.5 },
      python: { memoryBytes: 768 * 1024 * 1024, cpus: 0.6 },
      go: { memoryBytes: 256 * 1024 * 1024, cpus: 0.3 },
      java: { memoryBytes: 1024 * 1024 * 1024, cpus: 0.8 },
    });
    const changed = await server.request({
      method: 'PUT',
      url: '/api/admin/resources/node',
      token: admin.token,
      body: { memoryBytes: 1024 * 1024 * 1024, cpus: 1 },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      node: { memoryBytes: 1024 * 1024 * 1024, cpus: 1, pidsLimit: 256 },
    });
    const tooSmall = await server.request({
      method: 'PUT',
      url: '/api/admin/resources/node',
      token: admin.token,
      body: { memoryBytes: 1024 },
    });
    expect(tooSmall.statusCode).toBe(400);
    const unknown = await server.request({
      method: 'PUT',
      url: '/api/admin/resources/cobol',
      token: admin.token,
      body: { cpus: 1 },
    });
    expect(unknown.statusCode).toBe(400);
    const forbidden = await server.request({
      method: 'PUT',
      url: '/api/admin/resources/node',
      token: user.token,
      body: { cpus: 4 },
    });
    expect(forbidden.statusCode).toBe(403);
  });

  describe('on the local runtime (no isolation)', () => {
    async function localServer(env: Record<string, string> = {}) {
      server = await startTestServer(await database.open(), {
        env,
        overrides: {
          containerRuntime: { runtime: new LocalRuntime({ useBubblewrap: false }), kind: 'local' },
        },
      });
      return server;
    }

    it('runs only the instance owner’s projects and says why', async () => {
      const local = await localServer();
      const owner = await local.userWithToken('owner@example.com');
      const other = await local.userWithToken('other@example.com');
      const mine = await projectOf(owner.token);
      const theirs = await projectOf(other.token);

      const refused = await local.request({
        method: 'POST',
        url: `/api/projects/${theirs}/container/start`,
        token: other.token,
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json<{ error: { message: string } }>().error.message).toMatch(
        /only the instance owner.*VAPORFORM_LOCAL_RUNTIME_MULTI_USER=unsafe/s,
      );

      // Sharing does not change who may run code on this host: the caller counts, not the project's owner.
      await local.request({
        method: 'PUT',
        url: `/api/projects/${mine}/members/${other.userId}`,
        token: owner.token,
        body: { permission: 'execute' },
      });
      const shared = await local.request({
        method: 'POST',
        url: `/api/projects/${mine}/container/start`,
        token: other.token,
      });
      expect(shared.statusCode).toBe(403);

      const started = await local.request({
        method: 'POST',
        url: `/api/projects/${mine}/container/start`,
        token: owner.token,
      });
      expect(started.statusCode, started.body).toBe(202);
      // Creating the project already started it (autostart): it is on its way up or has failed on this host.
      expect(started.json<ContainerInfo>().runtime).toBe('local');
      expect(started.json<ContainerInfo>().status).not.toBe('stopped');
      const stopped = await local.request({
        method: 'POST',
        url: `/api/projects/${mine}/container/stop?`,
        token: owner.token,
      });
      expect(stopped.json<ContainerInfo>().status).toBe('stopped');
    });

    it('runs everyone’s projects when an administrator accepted the risk', async () => {
      const local = await localServer({ VAPORFORM_LOCAL_RUNTIME_MULTI_USER: 'unsafe' });
      await local.userWithToken('owner@example.com');
      const other = await local.userWithToken('other@example.com');
      const theirs = await projectOf(other.token);
      const started = await local.request({
        method: 'POST',
        url: `/api/projects/${theirs}/container/start`,
        token: other.token,
      });
      expect(started.statusCode, started.body).toBe(202);
      await local.request({
        method: 'POST',
        url: `/api/projects/${theirs}/container/stop`,
        token: other.token,
      });
    });
  });
});
