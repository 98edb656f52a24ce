import type { ContainerInfo, ContainerLogLine, VaporformEvents } from '@vaporform/contracts';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../platform/db/openDatabase.js';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { startTestServer, type TestServer } from '../../testing/testServer.js';
import { DockerRuntime } from './dockerRuntime.js';
import { stackImageTag } from './stackImages.js';
import {
  describeWithDocker,
  runtimeImagesUnavailableReason,
  socketPath,
} from '../../testing/dockerAvailability.js';
import { eventually } from './testing/dockerTestSupport.js';

const docker = new Docker({ socketPath });
const reason = await runtimeImagesUnavailableReason(
  (['node', 'python', 'go'] as const).map((stack) => stackImageTag(stack)),
);

describeWithDocker(reason, 'project containers through the API', () => {
  let database: Database;
  let server: TestServer;
  let token: string;
  let ownerId: string;
  const created: string[] = [];
  const events: { name: string; payload: unknown }[] = [];

  beforeAll(async () => {
    database = await (testDatabaseKinds()[0]?.open() ?? Promise.reject(new Error('no database')));
    server = await startTestServer(database, {
      env: {
        VAPORFORM_AUTOSTART: 'true',
        VAPORFORM_IDLE_MINUTES: '0',
        // Containers reach the npm registry only trusting the host's bundle (see MACHINE-NOTES.md).
        VAPORFORM_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '/etc/ssl/certs/ca-certificates.crt',
      },
      overrides: {
        containerRuntime: { runtime: new DockerRuntime(), kind: 'docker' },
        containerTiming: {
          restartDelayMs: 200,
          maxRestartDelayMs: 400,
          maxRestarts: 2,
          rebuildDebounceMs: 200,
        },
      },
    });
    for (const name of ['container.started', 'container.stopped', 'container.status'] as const) {
      server.events.subscribe(name, (payload: VaporformEvents[typeof name]) => {
        events.push({ name, payload });
      });
    }
    ({ token, userId: ownerId } = await server.userWithToken('owner@example.com'));
  }, 60_000);

  afterAll(async () => {
    for (const id of created) await server.request({ method: 'DELETE', url: `/api/projects/${id}`, token });
    await server.close();
  }, 120_000);

  async function createProject(templateId: string): Promise<string> {
    const response = await server.request({
      method: 'POST',
      url: '/api/projects',
      token,
      body: { name: `${templateId} ${created.length}`, templateId },
    });
    expect(response.statusCode, response.body).toBe(201);
    const { id } = response.json<{ id: string }>();
    created.push(id);
    return id;
  }

  async function waitFor(id: string, timeoutSeconds = 240): Promise<ContainerInfo> {
    const response = await server.request({
      method: 'POST',
      url: `/api/projects/${id}/container/start?wait=true&timeoutSeconds=${timeoutSeconds}`,
      token,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<ContainerInfo>();
  }

  const info = (id: string) => server.containers.info(id);

  async function get(info: ContainerInfo, path: string): Promise<{ status: number; text: string }> {
    if (!info.address) throw new Error(`no address: ${JSON.stringify(info)}`);
    const response = await fetch(`http://${info.address.host}:${info.address.port}${path}`, {
      signal: AbortSignal.timeout(5_000),
    });
    return { status: response.status, text: await response.text() };
  }

  async function logs(id: string, query = 'tail=500'): Promise<ContainerLogLine[]> {
    const response = await server.request({ method: 'GET', url: `/api/projects/${id}/logs?${query}`, token });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<ContainerLogLine[]>();
  }

  async function write(id: string, file: string, content: string): Promise<void> {
    const response = await server.request({
      method: 'PUT',
      url: `/api/projects/${id}/files/${file}`,
      token,
      body: content,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(response.statusCode, response.body).toBeLessThan(300);
  }

  const bootable = [
    'node-express',
    'react-vite',
    'python-flask',
    'python-fastapi',
    'python-django',
    'go-http',
  ];

  // npm installs from the registry and Go builds on a third of a core: minutes, not seconds, on a busy host.
  const slow = { timeout: 300_000 };

  it.each(bootable)(
    '%s boots in its hardened container and answers on its port',
    slow,
    async (templateId) => {
      const id = await createProject(templateId);
      const running = await waitFor(id);
      expect(running, JSON.stringify(running)).toMatchObject({ status: 'running', runtime: 'docker' });
      expect(running.address?.host).toBe('127.0.0.1');
      const health = await get(running, templateId === 'react-vite' ? '/' : '/health');
      expect(health.status).toBe(200);

      const inspected = await docker.getContainer(`vaporform-${id}`).inspect();
      expect(inspected.Config.User).toBe('1000:1000');
      expect(inspected.HostConfig.CapDrop).toEqual(['ALL']);
      expect(inspected.HostConfig.ReadonlyRootfs).toBe(true);
      expect(inspected.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
      expect(inspected.HostConfig.Memory).toBeGreaterThan(0);
      expect(inspected.HostConfig.MemorySwap).toBe(inspected.HostConfig.Memory);
      expect(inspected.HostConfig.NetworkMode).toBe(`vaporform-${id}`);
      expect(running.resources.memoryBytes).toBe(inspected.HostConfig.Memory);
      expect(events).toContainEqual({
        name: 'container.started',
        payload: { projectId: id, containerId: inspected.Id },
      });
    },
  );

  it('builds the project’s own Dockerfile and runs it with the same hardening', slow, async () => {
    const id = await createProject('python-flask');
    await waitFor(id);
    await write(
      id,
      'Dockerfile',
      'FROM vaporform/runtime-python:latest\nUSER root\nRUN echo built-by-the-project > /etc/built\n',
    );
    const rebuilt = await eventually(
      'the project image to run',
      () => info(id),
      (state) => state.environment === 'dockerfile' && state.status === 'running',
      120_000,
      300,
    );
    expect(rebuilt.image).toBe(`vaporform-project/${id}:latest`);
    expect((await get(rebuilt, '/health')).status).toBe(200);
    const inspected = await docker.getContainer(`vaporform-${id}`).inspect();
    expect(inspected.Config.Image).toBe(`vaporform-project/${id}:latest`);
    expect(inspected.Config.User).toBe('1000:1000');
    expect(inspected.HostConfig.CapDrop).toEqual(['ALL']);
    expect(inspected.HostConfig.ReadonlyRootfs).toBe(true);
    const built = await server.containers.exec(id, ownerId, ['cat', '/etc/built']);
    expect(built.stdout).toBe('built-by-the-project\n');
  });

  it('installs only when the dependency manifest changed, and again when it does', slow, async () => {
    const id = await createProject('node-express');
    await waitFor(id);
    const installs = async () =>
      (await logs(id, 'tail=2000')).filter((line) => line.text === '▸ npm install').length;
    expect(await installs()).toBe(1);

    const restarted = await server.request({
      method: 'POST',
      url: `/api/projects/${id}/container/restart?wait=true`,
      token,
    });
    expect(restarted.json<ContainerInfo>().status).toBe('running');
    expect(await installs()).toBe(1);

    const manifest = await server.request({
      method: 'GET',
      url: `/api/projects/${id}/files/package.json`,
      token,
    });
    const changed = { ...manifest.json<Record<string, unknown>>(), description: 'changed by a test' };
    await write(id, 'package.json', JSON.stringify(changed, null, 2));
    await eventually('the install to run again', installs, (count) => count === 2, 90_000, 500);
    await eventually(
      'the app to run again',
      () => info(id),
      (state) => state.status === 'running',
      90_000,
      500,
    );
    // npm rewrote package-lock.json while installing: that is not a change that needs another install.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await installs()).toBe(2);
  });

  it(
    'restarts a crashing app with backoff, keeps its last lines, and recovers when the code is fixed',
    slow,
    async () => {
      const id = await createProject('node-express');
      await waitFor(id);
      await write(
        id,
        '.devcontainer/devcontainer.json',
        // JSONC, as VS Code writes it: comments and a trailing comma.
        '{\n  // run the crash script\n  "image": "vaporform/runtime-node:latest",\n  "customizations": { "vaporform": { "dev": "node server.js" } },\n}\n',
      );
      await write(id, 'server.js', 'console.error("boom: the database is unreachable"); process.exit(3);\n');
      const crashed = await eventually(
        'the app to give up after its restarts',
        () => info(id),
        (state) =>
          state.status === 'crashed' && state.restarts === 2 && /save a file/.test(state.message ?? ''),
        90_000,
        200,
      );
      expect(crashed).toMatchObject({ exitCode: 3, environment: 'devcontainer', stopReason: 'crashed' });
      expect(crashed.lastLogLines).toContain('boom: the database is unreachable');
      expect(events).toContainEqual({
        name: 'container.stopped',
        payload: expect.objectContaining({ projectId: id, reason: 'crashed' }) as unknown,
      });

      await write(
        id,
        'server.js',
        'import http from "node:http";\nhttp.createServer((q, s) => s.end("fixed")).listen(process.env.PORT);\n',
      );
      const fixed = await eventually(
        'the fixed app to run',
        () => info(id),
        (state) => state.status === 'running',
        90_000,
        200,
      );
      expect((await get(fixed, '/')).text).toBe('fixed');
    },
  );

  it('rebuilds a Go app on change', slow, async () => {
    const id = await createProject('go-http');
    const running = await waitFor(id);
    expect((await get(running, '/api/hello?name=go')).text).toContain('Hello, go!');
    const routes = await server.request({ method: 'GET', url: `/api/projects/${id}/files/routes.go`, token });
    await write(id, 'routes.go', routes.body.replace('"Hello, "', '"Howdy, "'));
    await eventually(
      'the rebuilt app to answer',
      async () => get(await info(id), '/api/hello?name=go').catch(() => ({ status: 0, text: '' })),
      (answer) => answer.text.includes('Howdy, go!'),
      120_000,
      500,
    );
  });

  it('stops, starts and restarts; readers see status and logs but may not run it', slow, async () => {
    const id = await createProject('python-flask');
    const first = await waitFor(id);
    const member = await server.userWithToken('reader@example.com');
    await server.request({
      method: 'PUT',
      url: `/api/projects/${id}/members/${member.userId}`,
      token,
      body: { permission: 'read' },
    });
    const asReader = (method: 'GET' | 'POST', url: string) =>
      server.request({ method, url: `/api/projects/${id}${url}`, token: member.token });
    expect((await asReader('GET', '/container')).json<ContainerInfo>().status).toBe('running');
    expect((await asReader('GET', '/logs?tail=3')).json<unknown[]>().length).toBeLessThanOrEqual(3);
    for (const action of ['start', 'stop', 'restart']) {
      expect((await asReader('POST', `/container/${action}`)).statusCode).toBe(403);
    }
    const stranger = await server.userWithToken('stranger@example.com');
    const hidden = await server.request({
      method: 'GET',
      url: `/api/projects/${id}/container`,
      token: stranger.token,
    });
    expect(hidden.statusCode).toBe(404);

    const stopped = await server.request({
      method: 'POST',
      url: `/api/projects/${id}/container/stop`,
      token,
    });
    expect(stopped.json<ContainerInfo>()).toMatchObject({
      status: 'stopped',
      stopReason: 'user',
      address: null,
    });
    expect((await docker.getContainer(`vaporform-${id}`).inspect()).State.Running).toBe(false);
    await expect(get(first, '/health')).rejects.toThrow();

    const again = await waitFor(id);
    expect((await get(again, '/health')).status).toBe(200);
    const restarted = await server.request({
      method: 'POST',
      url: `/api/projects/${id}/container/restart?wait=1`,
      token,
    });
    expect(restarted.statusCode).toBe(200);
    const after = restarted.json<ContainerInfo>();
    expect(after.status).toBe('running');
    expect(Date.parse(after.startedAt ?? '')).toBeGreaterThan(Date.parse(again.startedAt ?? ''));
  });

  it('follows the log as NDJSON', slow, async () => {
    const id = await createProject('python-flask');
    const running = await waitFor(id);
    const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    const response = await fetch(`${address}/api/projects/${id}/logs?follow=true&tail=0`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const reader = response.body!.getReader();
    await get(running, '/api/hello?name=follower');
    let text = '';
    while (!text.includes('follower')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    clearTimeout(timer);
    controller.abort();
    const line = JSON.parse(
      text.split('\n').find((entry) => entry.includes('follower')) ?? '{}',
    ) as ContainerLogLine;
    expect(line.text).toContain('GET /api/hello?name=follower');
  });

  it('removes the container and its network with the project', slow, async () => {
    const id = await createProject('python-flask');
    await waitFor(id);
    const deleted = await server.request({ method: 'DELETE', url: `/api/projects/${id}`, token });
    expect(deleted.statusCode).toBe(204);
    await eventually(
      'the container and network to be gone',
      async () => ({
        containers: await docker.listContainers({ all: true, filters: { name: [`vaporform-${id}`] } }),
        networks: await docker.listNetworks({ filters: { name: [`vaporform-${id}`] } }),
      }),
      (left) => left.containers.length === 0 && left.networks.length === 0,
      30_000,
      200,
    );
  });
});
