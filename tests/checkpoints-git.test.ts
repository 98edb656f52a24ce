import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../apps/server/src/testing/testDatabases.js';
import { startTestServer, type TestServer } from '../apps/server/src/testing/testServer.js';

const execFileAsync = promisify(execFile);
const [pglite] = testDatabaseKinds();

interface CheckpointJson {
  id: string;
  message: string;
}

describe('checkpoints and git over HTTP', () => {
  let server: TestServer;
  let baseUrl: string;
  let owner: { token: string };
  let reader: { token: string };
  let project: { id: string; slug: string };
  let scratch: string;

  /** The real git client, isolated from the machine's own git configuration. */
  const git = async (cwd: string, args: string[]) =>
    (
      await execFileAsync('git', args, {
        cwd,
        env: {
          PATH: process.env.PATH,
          HOME: scratch,
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_TERMINAL_PROMPT: '0',
          GIT_AUTHOR_NAME: 'Laptop',
          GIT_AUTHOR_EMAIL: 'laptop@example.com',
          GIT_COMMITTER_NAME: 'Laptop',
          GIT_COMMITTER_EMAIL: 'laptop@example.com',
        },
      })
    ).stdout;
  const cloneUrl = (token: string | null) =>
    `${baseUrl.replace('http://', token ? `http://git:${token}@` : 'http://')}/git/${project.slug}.git`;
  const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    server.request({ method, url: `/api/projects/${project.id}${url}`, token: owner.token, body });
  const readFileViaApi = async (file: string) => (await api('GET', `/files/${file}`)).body;
  const writeFileViaApi = (file: string, content: string) =>
    server.app.inject({
      method: 'PUT',
      url: `/api/projects/${project.id}/files/${file}`,
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'text/plain' },
      payload: content,
    });

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'vaporform-git-'));
    server = await startTestServer(await pglite!.open());
    await server.signup('admin@example.com');
    owner = await server.userWithToken('owner@example.com');
    reader = await server.userWithToken('reader@example.com');
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: 'Git Demo', templateId: 'node-express' },
    });
    project = created.json();
    await api('POST', '/members', { email: 'reader@example.com', permission: 'read' });
    baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('checkpoints, changes, restores, and can undo the restore', async () => {
    const initial = (await api('GET', '/checkpoints')).json<CheckpointJson[]>();
    expect(initial.at(-1)?.message).toBe('Created from template node-express');

    await writeFileViaApi('notes.md', 'version one\n');
    const first = await api('POST', '/checkpoints', { message: 'notes v1' });
    expect(first.statusCode).toBe(201);
    const v1 = first.json<CheckpointJson>();

    await writeFileViaApi('notes.md', 'version two\n');
    await writeFileViaApi('added-later.txt', 'new');
    await api('DELETE', '/files/README.md');

    const diff = await api('GET', `/checkpoints/diff?from=${initial[0]?.id}&to=${v1.id}`);
    expect(diff.json<{ files: { path: string; status: string }[] }>().files).toEqual([
      expect.objectContaining({ path: 'notes.md', status: 'added' }),
    ]);

    const restored = await api('POST', `/checkpoints/${v1.id}/restore`);
    expect(restored.statusCode).toBe(200);
    const { safetyCheckpoint } = restored.json<{ safetyCheckpoint: CheckpointJson }>();
    expect(await readFileViaApi('notes.md')).toBe('version one\n');
    expect((await api('GET', '/files/added-later.txt')).statusCode).toBe(404);
    expect((await api('GET', '/files/README.md')).statusCode).toBe(200);

    await api('POST', `/checkpoints/${safetyCheckpoint.id}/restore`);
    expect(await readFileViaApi('notes.md')).toBe('version two\n');
    expect(await readFileViaApi('added-later.txt')).toBe('new');

    expect((await api('POST', '/checkpoints/deadbeef/restore')).statusCode).toBe(404);
  });

  it('takes a checkpoint from a bare POST with no body, as curl -X POST sends it', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: `/api/projects/${project.id}/checkpoints`,
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ message: 'Checkpoint' });
  });

  it('clones with an API token, pushes a commit into the workspace, and refuses non-fast-forwards', async () => {
    const clone = path.join(scratch, 'clone');
    await git(scratch, ['clone', '-q', cloneUrl(owner.token), clone]);
    expect(await readFile(path.join(clone, 'package.json'), 'utf8')).toContain('"name"');

    await writeFile(path.join(clone, 'from-laptop.txt'), 'pushed\n');
    await git(clone, ['add', '-A']);
    await git(clone, ['commit', '-q', '-m', 'From my laptop']);
    await git(clone, ['push', '-q', 'origin', 'HEAD:main']);
    expect(await readFileViaApi('from-laptop.txt')).toBe('pushed\n');
    const history = (await api('GET', '/checkpoints')).json<CheckpointJson[]>();
    expect(history[0]?.message).toBe('From my laptop');

    // The workspace moves on; a push based on the old head is no fast-forward and must not land.
    await writeFileViaApi('server-side.txt', 'edited in the IDE\n');
    await writeFile(path.join(clone, 'from-laptop.txt'), 'stale\n');
    await git(clone, ['commit', '-q', '-am', 'Stale change']);
    await git(clone, ['fetch', '-q', 'origin']);
    await git(clone, ['reset', '-q', '--hard', 'HEAD']);
    await expect(git(clone, ['push', '-q', '--force', 'origin', 'HEAD~0:main'])).rejects.toThrow();
    expect(await readFileViaApi('from-laptop.txt')).toBe('pushed\n');
    expect(await readFileViaApi('server-side.txt')).toBe('edited in the IDE\n');
  });

  it('lets a read member clone but not push, and refuses strangers', async () => {
    const clone = path.join(scratch, 'reader-clone');
    await git(scratch, ['clone', '-q', cloneUrl(reader.token), clone]);
    await writeFile(path.join(clone, 'reader.txt'), 'nope\n');
    await git(clone, ['add', '-A']);
    await git(clone, ['commit', '-q', '-m', 'Reader tries']);
    await expect(git(clone, ['push', '-q', 'origin', 'HEAD:main'])).rejects.toThrow(/403/);
    expect((await api('GET', '/files/reader.txt')).statusCode).toBe(404);

    await expect(
      git(scratch, ['clone', '-q', cloneUrl(null), path.join(scratch, 'anonymous')]),
    ).rejects.toThrow();
    await expect(
      git(scratch, ['clone', '-q', cloneUrl('vf_wrong'), path.join(scratch, 'forged')]),
    ).rejects.toThrow();
  });
});
