import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { startTestServer, type TestServer } from '../../testing/testServer.js';

const database = testDatabaseKinds()[0]!;

describe('GET /api/projects/:id/checkpoints/:checkpointId/files/*', () => {
  let server: TestServer;
  let owner: { token: string };
  let reader: { token: string };
  let stranger: { token: string };
  let projectId: string;

  const call = (
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    token = owner.token,
    extra: { body?: unknown; headers?: Record<string, string> } = {},
  ) => server.request({ method, url: `/api/projects/${projectId}${url}`, token, ...extra });

  beforeAll(async () => {
    server = await startTestServer(await database.open());
    await server.signup('admin@example.com');
    owner = await server.userWithToken('owner@example.com');
    reader = await server.userWithToken('reader@example.com');
    stranger = await server.userWithToken('stranger@example.com');
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: 'Checkpoint files', templateId: 'node-express' },
    });
    expect(created.statusCode, created.body).toBe(201);
    projectId = created.json<{ id: string }>().id;
    const shared = await call('POST', '/members', owner.token, {
      body: { email: 'reader@example.com', permission: 'read' },
    });
    expect(shared.statusCode, shared.body).toBeLessThan(300);
  });
  afterAll(async () => server?.close());

  it('serves a file as it was at a checkpoint to readers, as inert text with an ETag', async () => {
    const write = (file: string, content: string) =>
      server.app.inject({
        method: 'PUT',
        url: `/api/projects/${projectId}/files/${file}`,
        headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'text/plain' },
        payload: content,
      });
    expect((await write('page.html', '<script>alert(1)</script>\n')).statusCode).toBeLessThan(300);
    const before = await call('POST', '/checkpoints', owner.token, { body: { message: 'before' } });
    const checkpoint = before.json<{ id: string }>();
    await write('page.html', '<p>after</p>\n');

    const old = await call('GET', `/checkpoints/${checkpoint.id}/files/page.html`, reader.token);
    expect(old.statusCode, old.body).toBe(200);
    expect(old.body).toBe('<script>alert(1)</script>\n');
    expect(old.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(old.headers['x-content-type-options']).toBe('nosniff');
    expect(old.headers['content-security-policy']).toContain('sandbox');
    const etag = old.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const again = await call(
      'GET',
      `/checkpoints/${checkpoint.id.slice(0, 10)}/files/page.html`,
      reader.token,
      {
        headers: { 'if-none-match': etag },
      },
    );
    expect(again.statusCode).toBe(304);

    // Names with spaces and encoded characters arrive decoded.
    await write('docs/my%20notes.md', 'notes\n');
    const withNotes = (await call('POST', '/checkpoints')).json<{ id: string }>();
    const notes = await call('GET', `/checkpoints/${withNotes.id}/files/docs/my%20notes.md`);
    expect(notes.body).toBe('notes\n');
  });

  it('answers 404 for absent files and directories, 400 for bad paths and ids, 404 to non-members', async () => {
    const [latest] = (await call('GET', '/checkpoints')).json<{ id: string }[]>();
    const id = latest!.id;
    expect((await call('GET', `/checkpoints/${id}/files/never-there.txt`)).statusCode).toBe(404);
    expect((await call('GET', `/checkpoints/${id}/files/src`)).statusCode).toBe(404);
    expect((await call('GET', `/checkpoints/${id}/files/src/..%2F..%2Fpackage.json`)).statusCode).toBe(400);
    expect((await call('GET', `/checkpoints/HEAD/files/package.json`)).statusCode).toBe(400);
    expect((await call('GET', `/checkpoints/${'0'.repeat(40)}/files/package.json`)).statusCode).toBe(404);
    expect((await call('GET', `/checkpoints/${id}/files/package.json`)).statusCode).toBe(200);
    const outsider = await call('GET', `/checkpoints/${id}/files/package.json`, stranger.token);
    expect(outsider.statusCode).toBe(404);
  });

  it('lists the files changed since a checkpoint up to the workspace with to=workspace', async () => {
    const checkpoint = (await call('POST', '/checkpoints')).json<{ id: string }>();
    await server.app.inject({
      method: 'PUT',
      url: `/api/projects/${projectId}/files/unsaved.txt`,
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'text/plain' },
      payload: 'not in any checkpoint\n',
    });
    const latest = await call('GET', `/checkpoints/diff?from=${checkpoint.id}`, reader.token);
    expect(latest.json<{ files: unknown[] }>().files).toEqual([]);
    const workspace = await call('GET', `/checkpoints/diff?from=${checkpoint.id}&to=workspace`, reader.token);
    expect(workspace.statusCode, workspace.body).toBe(200);
    expect(workspace.json()).toMatchObject({
      to: 'workspace',
      files: [{ path: 'unsaved.txt', status: 'added', additions: 1, deletions: 0 }],
    });
  });

  it('is in the OpenAPI document', async () => {
    const document = (await server.request({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const entry = Object.entries(document.paths).find(([url]) =>
      /^\/api\/projects\/\{id\}\/checkpoints\/\{checkpointId\}\/files\//.test(url),
    );
    expect(entry?.[1]).toHaveProperty('get');
  });
});
