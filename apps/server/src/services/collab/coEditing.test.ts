import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { collabDocumentName, presenceDocumentName } from '@vaporform/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CollabClient, waitFor } from '../../testing/collabClient.js';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { startTestServer, type TestServer } from '../../testing/testServer.js';

const [pglite] = testDatabaseKinds();

describe('co-editing on /collab', () => {
  let server: TestServer;
  let base: string;
  let origin: string;
  let owner: { token: string; userId: string; cookie: string };
  let writer: { token: string; userId: string; cookie: string };
  let reader: { token: string; userId: string; cookie: string };
  let stranger: { token: string; userId: string; cookie: string };
  let projectId: string;
  const clients: CollabClient[] = [];

  beforeAll(async () => {
    server = await startTestServer(await pglite!.open(), {
      // Documents unload as soon as their last editor leaves (the stale-copy test needs that), and files
      // over 64 KiB are too large, so the limit is cheap to reach.
      overrides: { coEditing: { unloadGraceMs: 0, maxDocumentBytes: 64 * 1024 } },
    });
    origin = await server.app.listen({ port: 0, host: '127.0.0.1' });
    base = origin.replace('http://', 'ws://');
    await server.signup('platform-admin@example.com');
    owner = await server.userWithToken('owner@example.com');
    writer = await server.userWithToken('writer@example.com');
    reader = await server.userWithToken('reader@example.com');
    stranger = await server.userWithToken('stranger@example.com');
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: 'Co-edited', templateId: 'node-express' },
    });
    expect(created.statusCode, created.body).toBe(201);
    projectId = created.json<{ id: string }>().id;
    await share(writer.userId, 'write');
    await share(reader.userId, 'read');
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });

  afterAll(async () => {
    await server?.close();
  });

  async function share(userId: string, permission: string): Promise<void> {
    const response = await server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/members/${userId}`,
      token: owner.token,
      body: { permission },
    });
    expect(response.statusCode, response.body).toBe(200);
  }

  async function putFile(file: string, content: string | Buffer, ifMatch?: string) {
    return server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/files/${file}`,
      token: owner.token,
      body: content,
      headers: { 'content-type': 'application/octet-stream', ...(ifMatch ? { 'if-match': ifMatch } : {}) },
    });
  }

  function disk(file: string): Promise<string> {
    return readFile(path.join(server.dataDir, 'workspaces', projectId, file), 'utf8');
  }

  function open(
    file: string | null,
    as: { cookie?: string; token?: string } = { cookie: owner.cookie },
    options: { origin?: string | null; name?: string; document?: CollabClient['document'] } = {},
  ): CollabClient {
    const client = new CollabClient({
      base,
      name:
        options.name ??
        (file === null ? presenceDocumentName(projectId) : collabDocumentName(projectId, file)),
      origin: options.origin === undefined ? origin : options.origin,
      ...as,
      ...(options.document ? { document: options.document } : {}),
    });
    clients.push(client);
    return client;
  }

  /** Waits until the file on disk holds `expected`; returns how long that took. */
  async function diskReaches(file: string, expected: string, timeoutMs = 2_000): Promise<number> {
    const started = Date.now();
    for (;;) {
      const content = await disk(file).catch(() => null);
      if (content === expected) return Date.now() - started;
      if (Date.now() - started > timeoutMs) {
        throw new Error(`disk never reached ${JSON.stringify(expected)}; last ${JSON.stringify(content)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('lets two editors type at once: both converge and the disk has both edits within a second', async () => {
    expect((await putFile('notes/pair.txt', 'start\n')).statusCode).toBe(201);
    const alice = open('notes/pair.txt', { cookie: owner.cookie });
    const bob = open('notes/pair.txt', { token: writer.token }, { origin });
    await Promise.all([alice.ready(), bob.ready()]);
    expect(alice.scope).toBe('read-write');
    expect(bob.content).toBe('start\n');

    for (let i = 0; i < 20; i++) {
      alice.text.insert(0, 'a');
      bob.text.insert(bob.text.length, 'b');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all([alice.acknowledged(), bob.acknowledged()]);
    await waitFor(() => alice.content === bob.content, 2_000, 'convergence');
    expect(alice.content).toBe(`${'a'.repeat(20)}start\n${'b'.repeat(20)}`);
    const ms = await diskReaches('notes/pair.txt', alice.content, 1_000);
    expect(ms).toBeLessThan(1_000);
  });

  it('joins read members read-only: their edits are refused, updates still reach them', async () => {
    expect((await putFile('notes/read.txt', 'shared\n')).statusCode).toBe(201);
    const editor = open('notes/read.txt', { cookie: writer.cookie });
    const viewer = open('notes/read.txt', { token: reader.token });
    await Promise.all([editor.ready(), viewer.ready()]);
    expect(viewer.scope).toBe('readonly');

    viewer.text.insert(0, 'VANDAL ');
    editor.text.insert(editor.text.length, 'more\n');
    await editor.acknowledged();
    await waitFor(() => viewer.content.includes('more\n'), 2_000, 'the update reaching the reader');
    await diskReaches('notes/read.txt', 'shared\nmore\n');
    // Long enough for a save of the refused edit, had it been applied.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await disk('notes/read.txt')).toBe('shared\nmore\n');
    expect(editor.content).toBe('shared\nmore\n');
    expect(viewer.provider.unsyncedChanges).toBeGreaterThan(0);
  });

  it('refuses strangers, missing credentials and files that cannot be documents, as not found', async () => {
    expect((await putFile('notes/plain.txt', 'x')).statusCode).toBe(201);
    expect((await putFile('notes/binary.bin', Buffer.from([0, 1, 2, 0, 255]))).statusCode).toBe(201);
    expect((await putFile('notes/large.txt', 'x'.repeat(65 * 1024))).statusCode).toBe(201);

    expect(await open('notes/plain.txt', { token: stranger.token }).refused()).toMatch(/^not_found: /);
    expect(await open('notes/plain.txt', {}).refused()).toMatch(/^unauthenticated: /);
    expect(await open('notes/plain.txt', { token: 'vf_not-a-token' }).refused()).toMatch(
      /^unauthenticated: /,
    );
    expect(await open('notes/missing.txt').refused()).toMatch(/^not_found: /);
    expect(await open('notes/binary.bin').refused()).toMatch(/^unsupported_media_type: /);
    expect(await open('notes/large.txt').refused()).toMatch(/^payload_too_large: /);
    expect(await open('notes//plain.txt').refused()).toMatch(/^bad_request: .*'notes\/plain.txt'/);
    expect(await open('notes/../../etc/passwd').refused()).toMatch(/^bad_request: /);
    const unknownProject = '0b0f7a0e-6b1e-4a51-9a57-3f1b2f9f0a09';
    expect(await open(null, undefined, { name: `${unknownProject}/a.txt` }).refused()).toMatch(
      /^not_found: /,
    );
    expect(await open(null, undefined, { name: 'not-a-project' }).refused()).toMatch(/^not_found: /);
  });

  it('refuses the upgrade without the IDE origin, whatever the credentials', async () => {
    for (const sent of [null, 'null', 'http://evil.example', 'http://x.preview.localhost:4000']) {
      const headers: Record<string, string> = { cookie: owner.cookie };
      if (sent !== null) headers.origin = sent;
      const socket = new WebSocket(`${base}/collab`, { headers });
      const status = await new Promise<number>((resolve, reject) => {
        socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.once('open', () => reject(new Error(`the upgrade was accepted with Origin ${sent}`)));
        socket.once('error', () => undefined);
      });
      socket.terminate();
      expect(status, `Origin ${sent}`).toBe(403);
    }
  });

  it('merges an external write into the open document while its editor types, losing nothing', async () => {
    const original = 'line one\nline two\nline three\n';
    expect((await putFile('src/merge.ts', original)).statusCode).toBe(201);
    const editor = open('src/merge.ts');
    const watcher = open('src/merge.ts', { cookie: writer.cookie });
    await Promise.all([editor.ready(), watcher.ready()]);

    const typed = 'typed-while-saving';
    const typing = (async () => {
      for (const [index, character] of [...typed].entries()) {
        editor.text.insert('line one'.length + index, character);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    })();
    // An outside writer (REST here; the agent, terminal and checkpoints reach the disk the same way) edits
    // line three from what is on disk, retrying when a save of the typing got in first.
    await new Promise((resolve) => setTimeout(resolve, 60));
    for (let attempt = 0; ; attempt++) {
      const current = await server.request({
        method: 'GET',
        url: `/api/projects/${projectId}/files/src/merge.ts`,
        token: owner.token,
      });
      const changed = current.body.replace('line three', 'line THREE (external)');
      const written = await putFile('src/merge.ts', changed, current.headers.etag);
      if (written.statusCode === 200) break;
      expect(written.statusCode).toBe(409);
      expect(attempt).toBeLessThan(20);
    }
    await typing;
    await editor.acknowledged();

    const expected = `line one${typed}\nline two\nline THREE (external)\n`;
    await waitFor(() => editor.content === expected, 3_000, 'the external change in the editor');
    await waitFor(() => watcher.content === expected, 3_000, 'the external change in the other editor');
    await diskReaches('src/merge.ts', expected);
  });

  it('merges an external change as a minimal edit, keeping edits not yet saved', async () => {
    expect((await putFile('src/minimal.ts', 'alpha\nbeta\ngamma\n')).statusCode).toBe(201);
    const editor = open('src/minimal.ts');
    await editor.ready();
    const inserts: string[] = [];
    editor.text.observe((event) => {
      if (event.transaction.local) return;
      for (const op of event.delta) if (typeof op.insert === 'string') inserts.push(op.insert);
    });
    expect((await putFile('src/minimal.ts', 'alpha\nbeta!\ngamma\n')).statusCode).toBe(200);
    await waitFor(() => editor.content === 'alpha\nbeta!\ngamma\n', 3_000, 'the external edit');
    expect(inserts).toEqual(['!']);
  });

  it('closes a document whose file is deleted', async () => {
    expect((await putFile('notes/doomed.txt', 'bye')).statusCode).toBe(201);
    const editor = open('notes/doomed.txt');
    await editor.ready();
    // The watcher batches events over a few tens of ms and cancels a create followed by a delete in one
    // batch; a file someone has open has been there longer than that.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const deleted = await server.request({
      method: 'DELETE',
      url: `/api/projects/${projectId}/files/notes/doomed.txt`,
      token: owner.token,
    });
    expect(deleted.statusCode).toBe(204);
    await waitFor(() => editor.closes.some((reason) => /^not_found: /.test(reason)), 3_000, 'the close');
    expect(editor.closes).toContainEqual(expect.stringMatching(/was deleted/));
  });

  it('refuses a copy from an earlier load instead of inserting the file twice', async () => {
    expect((await putFile('notes/stale.txt', 'once\n')).statusCode).toBe(201);
    const first = open('notes/stale.txt');
    await first.ready();
    first.destroy();
    // The document unloads (no grace here); the next load builds new items from the disk.
    await waitFor(() => server.coEditing.openFiles === 0, 3_000, 'the unload');
    const again = open('notes/stale.txt', undefined, { document: first.document });
    await waitFor(() => again.closes.some((reason) => /^conflict: /.test(reason)), 3_000, 'the refusal');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await disk('notes/stale.txt')).toBe('once\n');
  });

  it('shares presence on the project document, which nobody can edit', async () => {
    const alice = open(null);
    const bob = open(null, { cookie: reader.cookie });
    await Promise.all([alice.ready(), bob.ready()]);
    expect(alice.scope).toBe('readonly');
    alice.provider.setAwarenessField('user', { id: owner.userId, name: 'Owner', color: '#e5534b' });
    alice.provider.setAwarenessField('openFile', 'src/index.js');
    await waitFor(
      () =>
        [...bob.provider.awareness!.getStates().values()].some(
          (state) => (state as { openFile?: string }).openFile === 'src/index.js',
        ),
      3_000,
      'the awareness state',
    );
  });

  it('closes the documents of a member whose access is revoked within 5 s', async () => {
    expect((await putFile('notes/revoked.txt', 'r')).statusCode).toBe(201);
    const temp = await server.userWithToken('temporary@example.com');
    await share(temp.userId, 'write');
    const file = open('notes/revoked.txt', { token: temp.token });
    const presence = open(null, { token: temp.token });
    await Promise.all([file.ready(), presence.ready()]);

    await share(temp.userId, 'read');
    await waitFor(() => file.closes.some((reason) => /^conflict: /.test(reason)), 5_000, 'the downgrade');

    const removed = await server.request({
      method: 'DELETE',
      url: `/api/projects/${projectId}/members/${temp.userId}`,
      token: owner.token,
    });
    expect(removed.statusCode).toBe(204);
    const ms = await waitFor(
      () => presence.closes.includes('not_found: Project not found'),
      5_000,
      'the revocation',
    );
    expect(ms).toBeLessThan(5_000);
  });

  it('closes the socket within 5 s when the token behind it is revoked', async () => {
    expect((await putFile('notes/token.txt', 't')).statusCode).toBe(201);
    const temp = await server.userWithToken('token-holder@example.com');
    await share(temp.userId, 'write');
    const client = open('notes/token.txt', { token: temp.token });
    await client.ready();
    const tokens = await server.request({ method: 'GET', url: '/api/auth/tokens', token: temp.token });
    const [token] = tokens.json<{ id: string }[]>();
    const revoked = await server.request({
      method: 'DELETE',
      url: `/api/auth/tokens/${token!.id}`,
      cookie: temp.cookie,
    });
    expect(revoked.statusCode).toBe(204);
    await waitFor(() => client.closes.includes('socket:4401'), 5_000, 'the socket close');
    // The provider reconnects by itself, and the revoked token is refused.
    expect(await client.refused()).toMatch(/^unauthenticated: /);
  });

  it('closes the documents of a deleted project without writing them back', async () => {
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: 'Short-lived', templateId: 'node-express' },
    });
    const doomed = created.json<{ id: string }>().id;
    const editor = open(null, undefined, { name: collabDocumentName(doomed, 'package.json') });
    await editor.ready();
    editor.text.insert(0, ' ');
    const deleted = await server.request({
      method: 'DELETE',
      url: `/api/projects/${doomed}`,
      token: owner.token,
    });
    expect(deleted.statusCode).toBe(204);
    await waitFor(() => editor.closes.includes('not_found: The project was deleted'), 5_000, 'the close');
    await waitFor(() => server.coEditing.openFiles === 0, 3_000, 'the unload');
  });

  it('counts open documents and lets them go when the last editor leaves', async () => {
    expect((await putFile('notes/count.txt', 'c')).statusCode).toBe(201);
    await waitFor(() => server.coEditing.openFiles === 0, 3_000, 'earlier documents to unload');
    const editor = open('notes/count.txt');
    await editor.ready();
    expect(server.coEditing.openFiles).toBe(1);
    expect(server.coEditing.openDocuments).toBeGreaterThanOrEqual(1);
    editor.text.insert(1, 'd');
    editor.destroy();
    // Leaving flushes the pending save right away, not after the debounce.
    await diskReaches('notes/count.txt', 'cd', 1_000);
    await waitFor(() => server.coEditing.openFiles === 0, 3_000, 'the unload');
  });
});
