import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ContainerInfo } from '@vaporform/contracts';
import Docker from 'dockerode';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config/config.js';
import { createServer, type Server } from '../../server.js';
import { migrationsDir, repoRoot } from '../../testing/testPaths.js';
import { fastArgon2, sessionCookieFrom, testPassword } from '../../testing/testServer.js';
import { DockerRuntime } from './dockerRuntime.js';
import { stackImageTag } from './stackImages.js';
import {
  describeWithDocker,
  runtimeImagesUnavailableReason,
  socketPath,
} from '../../testing/dockerAvailability.js';
import { eventually } from './testing/dockerTestSupport.js';

const docker = new Docker({ socketPath });
const unavailable = await runtimeImagesUnavailableReason([stackImageTag('python')]);

describeWithDocker(unavailable, 'hibernation and adoption', () => {
  let dataDir: string;
  let server: Server;
  let cookie: string;
  let projectId: string;

  /** A whole server on a data directory that outlives it (PGlite on disk), as after a restart. */
  async function boot(idleMinutes: string): Promise<Server> {
    const config = loadConfig({
      VAPORFORM_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      VAPORFORM_IDLE_MINUTES: idleMinutes,
    });
    return createServer(
      config,
      {
        migrationsDir,
        webDistDir: path.join(dataDir, 'no-web'),
        templatesDir: path.join(repoRoot, 'templates'),
        imagesScript: null,
      },
      {
        logger: pino({ level: 'silent' }),
        argon2: fastArgon2,
        containerRuntime: { runtime: new DockerRuntime(), kind: 'docker' },
      },
    );
  }

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: object) =>
    server.app.inject({ method, url, headers: { cookie }, ...(body ? { payload: body } : {}) });

  /** Processes carrying the dev server's marker: the dev command and everything it started. */
  async function devProcesses(): Promise<number> {
    const exec = await docker.getContainer(`vaporform-${projectId}`).exec({
      Cmd: ['sh', '-c', `grep -lsxzF VAPORFORM_EXEC_ID=dev-${projectId} /proc/[0-9]*/environ | wc -l`],
      AttachStdout: true,
      User: '1000:1000',
    });
    const stream = await exec.start({ hijack: true });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    // Docker multiplexes the output: an 8-byte header, then the text.
    return Number(Buffer.concat(chunks).subarray(8).toString('latin1').trim());
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vaporform-hibernation-'));
    server = await boot('0');
    const signup = await server.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: 'owner@example.com', password: testPassword, name: 'Owner' },
    });
    cookie = sessionCookieFrom(signup);
    const created = await call('POST', '/api/projects', { name: 'Sleepy', templateId: 'python-flask' });
    projectId = created.json<{ id: string }>().id;
    const running = await call('POST', `/api/projects/${projectId}/container/start?wait=true`);
    expect(running.json<ContainerInfo>().status).toBe('running');
  }, 120_000);

  afterAll(async () => {
    await call('DELETE', `/api/projects/${projectId}`).catch(() => undefined);
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('a restarted server adopts the running container and supervises its app again', async () => {
    const before = await server.containers.info(projectId);
    const processesBefore = await devProcesses();
    expect(processesBefore).toBeGreaterThan(0);
    await server.close();
    // The container outlives the server process...
    expect((await docker.getContainer(`vaporform-${projectId}`).inspect()).State.Running).toBe(true);

    server = await boot('0');
    const adopted = await eventually(
      'the new server to adopt the container',
      () => server.containers.info(projectId),
      (info) => info.status === 'running',
      60_000,
      200,
    );
    expect(adopted.address).not.toBeNull();
    expect(adopted.readyAt).not.toBe(before.readyAt);
    // ...and exactly one dev server runs in it: the old one was ended by its marker.
    expect(await devProcesses()).toBe(processesBefore);
  });

  it('hibernates a project nobody looks at, and wakes it on start', async () => {
    await server.close();
    server = await boot('0.02'); // 1.2 s
    await eventually(
      'adoption',
      () => server.containers.info(projectId),
      (info) => info.status === 'running',
      60_000,
      200,
    );
    // Reading the status through the service (not HTTP) is not activity: the project stays unwatched.
    const slept = await eventually(
      'the idle project to hibernate',
      () => server.containers.info(projectId),
      (info) => info.status === 'stopped',
      30_000,
      200,
    );
    expect(slept).toMatchObject({ stopReason: 'idle', address: null });
    expect(slept.message).toMatch(/Hibernated/);
    expect((await docker.getContainer(`vaporform-${projectId}`).inspect()).State.Running).toBe(false);

    const woken = await call('POST', `/api/projects/${projectId}/container/start?wait=true`);
    expect(woken.json<ContainerInfo>(), woken.body).toMatchObject({ status: 'running', stopReason: null });
  });
});
