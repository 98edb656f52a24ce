import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { collabDocumentName } from '@vaporform/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CollabClient, waitFor } from '../apps/server/src/testing/collabClient.js';
import { ensureServerBuilt } from './support/build.js';
import { freePort, spawnBuiltServer, type ServerProcess } from './support/serverProcess.js';

// The server's save timing (see services/collab/README.md): a change waits at most this long for its write.
const maxSaveDelayMs = 300;

/**
 * What survives the server process going away with edits in flight: the built server (what `npm start`
 * runs) in a process of its own, real providers editing, then SIGTERM or SIGKILL and a restart.
 */
describe('co-editing across a server stop', () => {
  let dataDir: string;
  let port: number;
  let origin: string;
  let running: ServerProcess | null = null;
  const clients: CollabClient[] = [];

  beforeAll(async () => {
    await ensureServerBuilt();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vaporform-coedit-'));
    port = await freePort();
    origin = `http://localhost:${port}`;
  }, 120_000);

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    if (running?.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    running = null;
  });

  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  /** The built server on the same port and data directory each time: a second start is a restart. */
  async function start(): Promise<ServerProcess> {
    running = await spawnBuiltServer({
      port,
      dataDir,
      publicUrl: origin,
      env: { VAPORFORM_AUTOSTART: 'false', LOG_LEVEL: 'warn' },
    });
    return running;
  }

  async function api(method: string, url: string, cookie: string | null, body?: unknown) {
    const response = await fetch(`http://127.0.0.1:${port}${url}`, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(typeof body === 'string' ? { 'content-type': 'application/octet-stream' } : {}),
        ...(typeof body === 'object' ? { 'content-type': 'application/json' } : {}),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return response;
  }

  /** A user, a project and a file in it, on the running server. */
  async function seed(email: string, file: string, content: string) {
    const signup = await api('POST', '/api/auth/signup', null, {
      email,
      password: 'a long enough password',
      name: 'Editor',
    });
    expect(signup.status).toBe(201);
    const cookie = /vf_session=[^;]+/.exec(signup.headers.get('set-cookie') ?? '')![0];
    const project = await api('POST', '/api/projects', cookie, {
      name: 'Shutdown',
      templateId: 'node-express',
    });
    expect(project.status).toBe(201);
    const projectId = ((await project.json()) as { id: string }).id;
    expect((await api('PUT', `/api/projects/${projectId}/files/${file}`, cookie, content)).status).toBe(201);
    return { cookie, projectId, onDisk: path.join(dataDir, 'workspaces', projectId, file) };
  }

  function open(projectId: string, file: string, cookie: string, document?: CollabClient['document']) {
    const client = new CollabClient({
      base: `ws://127.0.0.1:${port}`,
      name: collabDocumentName(projectId, file),
      origin,
      cookie,
      ...(document ? { document } : {}),
    });
    clients.push(client);
    return client;
  }

  /** Types `count` numbered words at the end, a few ms apart, as a person (or a paste) would. */
  async function type(client: CollabClient, label: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      client.text.insert(client.text.length, `${label}${i} `);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
  }

  it('writes every acknowledged edit on SIGTERM, even those still waiting for their save', async () => {
    const server = await start();
    const { cookie, projectId, onDisk } = await seed('sigterm@example.com', 'notes/sigterm.txt', 'base\n');
    const editor = open(projectId, 'notes/sigterm.txt', cookie);
    await editor.ready();
    await type(editor, 't', 20);
    await editor.acknowledged();
    const acknowledged = editor.content;
    const beforeStop = await readFile(onDisk, 'utf8');
    server.child.kill('SIGTERM');
    await server.exited;
    expect(server.child.exitCode, server.output()).toBe(0);
    // The edits were younger than the save delay: only the shutdown flush can have written them.
    expect(beforeStop).not.toBe(acknowledged);
    expect(await readFile(onDisk, 'utf8')).toBe(acknowledged);

    editor.destroy();
    await start();
    const reopened = open(projectId, 'notes/sigterm.txt', cookie);
    await reopened.ready();
    expect(reopened.content).toBe(acknowledged);
  }, 60_000);

  it(`keeps everything up to the last save on SIGKILL: edits older than ${maxSaveDelayMs} ms plus a write`, async () => {
    const server = await start();
    const { cookie, projectId, onDisk } = await seed('sigkill@example.com', 'notes/sigkill.txt', 'base\n');
    const editor = open(projectId, 'notes/sigkill.txt', cookie);
    await editor.ready();
    await type(editor, 'saved', 10);
    await editor.acknowledged();
    const older = editor.content;
    // The bound: an acknowledged edit is on disk within the longest save delay and one write.
    const started = Date.now();
    let onDiskNow = '';
    while (Date.now() - started < maxSaveDelayMs + 700) {
      onDiskNow = await readFile(onDisk, 'utf8');
      if (onDiskNow === older) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const latencyMs = Date.now() - started;
    expect(onDiskNow).toBe(older);
    expect(latencyMs).toBeLessThan(maxSaveDelayMs + 200);

    await type(editor, 'lost', 10);
    await editor.acknowledged();
    const newer = editor.content;
    server.child.kill('SIGKILL');
    await server.exited;
    const survived = await readFile(onDisk, 'utf8');
    // Written whole or not at all (atomic writes), never older than the last save: the acknowledged
    // edits, or a save of some of the newer ones (typing on a slow machine outlasts the 100 ms quiet period).
    expect(survived.startsWith(older) && newer.startsWith(survived)).toBe(true);

    // The editor still holds its copy and reconnects to the restarted server by itself: that copy was
    // made from a load that no longer exists, so it is refused rather than merged into the file twice.
    await start();
    await waitFor(
      () => editor.closes.some((reason) => reason.startsWith('conflict: ')),
      10_000,
      'the refusal',
    );
    const reopened = open(projectId, 'notes/sigkill.txt', cookie);
    await reopened.ready();
    expect(reopened.content).toBe(survived);
    await new Promise((resolve) => setTimeout(resolve, maxSaveDelayMs + 200));
    expect(await readFile(onDisk, 'utf8')).toBe(survived);
  }, 60_000);
});
