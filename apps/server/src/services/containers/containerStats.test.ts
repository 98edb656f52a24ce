import { ContainerStatsSchema, type ContainerInfo } from '@vaporform/contracts';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeWithDocker,
  runtimeImagesUnavailableReason,
  socketPath,
} from '../../testing/dockerAvailability.js';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { startTestServer, type TestServer } from '../../testing/testServer.js';
import { DockerRuntime } from './dockerRuntime.js';
import { stackImageTag } from './stackImages.js';

const reason = await runtimeImagesUnavailableReason([stackImageTag('python')]);

describeWithDocker(reason, 'container stats on a real Docker daemon', () => {
  let server: TestServer;
  let owner: { token: string };
  let projectId: string;

  beforeAll(async () => {
    server = await startTestServer(await testDatabaseKinds()[0]!.open(), {
      env: { VAPORFORM_AUTOSTART: 'false', VAPORFORM_IDLE_MINUTES: '0' },
      overrides: { containerRuntime: { runtime: new DockerRuntime(), kind: 'docker' } },
    });
    owner = await server.userWithToken('owner@example.com');
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: 'Measured', templateId: 'python-flask' },
    });
    projectId = created.json<{ id: string }>().id;
  }, 60_000);

  afterAll(async () => {
    await server.request({ method: 'DELETE', url: `/api/projects/${projectId}`, token: owner.token });
    await server.close();
  }, 60_000);

  const stats = (token = owner.token) =>
    server.request({ method: 'GET', url: `/api/projects/${projectId}/container/stats`, token });

  it('samples the running container for readers, and answers 409 once it stopped', async () => {
    expect((await stats()).statusCode).toBe(409);
    const started = await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/container/start?wait=true&timeoutSeconds=120`,
      token: owner.token,
    });
    expect(started.json<ContainerInfo>().status, started.body).toBe('running');

    const reader = await server.userWithToken('reader@example.com');
    await server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/members/${reader.userId}`,
      token: owner.token,
      body: { permission: 'read' },
    });
    const response = await stats(reader.token);
    expect(response.statusCode, response.body).toBe(200);
    const sample = ContainerStatsSchema.parse(response.json());
    const inspected = await new Docker({ socketPath }).getContainer(`vaporform-${projectId}`).inspect();
    // The limit is the container's own (memory = memory + swap), and the Flask dev server is in use.
    expect(sample.memoryLimitBytes).toBe(inspected.HostConfig.Memory);
    expect(sample.memoryBytes).toBeGreaterThan(1024 * 1024);
    expect(sample.memoryBytes).toBeLessThan(sample.memoryLimitBytes);
    expect(sample.pids).toBeGreaterThanOrEqual(2); // the keeper and the app at least
    expect(sample.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(Date.parse(sample.at)).toBeGreaterThan(Date.now() - 60_000);

    await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/container/stop`,
      token: owner.token,
    });
    const stopped = await stats();
    expect(stopped.statusCode).toBe(409);
    expect(stopped.json()).toMatchObject({ error: { code: 'conflict' } });
  });
});
