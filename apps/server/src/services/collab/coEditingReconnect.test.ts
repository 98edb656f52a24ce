import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { collabDocumentName } from '@vaporform/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollabClient, waitFor } from '../../testing/collabClient.js';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { startTestServer, type TestServer } from '../../testing/testServer.js';

const [pglite] = testDatabaseKinds();

describe('co-editing across a dropped connection', () => {
  let server: TestServer;
  let origin: string;
  let owner: { token: string; userId: string; cookie: string };
  const clients: CollabClient[] = [];

  beforeAll(async () => {
    // The default grace: a file's document outlives its last editor for a while.
    server = await startTestServer(await pglite!.open());
    origin = await server.app.listen({ port: 0, host: '127.0.0.1' });
    owner = await server.userWithToken('owner@example.com');
  });

  afterAll(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await server?.close();
  });

  it('merges edits made while offline when the editor reconnects, without doubling the file', async () => {
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: 'Flaky network', templateId: 'node-express' },
    });
    const projectId = created.json<{ id: string }>().id;
    const written = await server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/files/offline.txt`,
      token: owner.token,
      body: 'online\n',
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(written.statusCode).toBe(201);
    const editor = new CollabClient({
      base: origin.replace('http://', 'ws://'),
      name: collabDocumentName(projectId, 'offline.txt'),
      origin,
      cookie: owner.cookie,
    });
    clients.push(editor);
    await editor.ready();

    editor.socket.disconnect();
    await waitFor(() => editor.closes.length > 0, 3_000, 'the disconnect');
    editor.text.insert(editor.text.length, 'offline\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Still in memory (the grace), already saved as it was when the editor left.
    expect(server.coEditing.openFiles).toBe(1);
    await editor.socket.connect();
    await editor.acknowledged();
    expect(editor.closes.filter((reason) => !reason.startsWith('socket:'))).toEqual([]);
    const file = path.join(server.dataDir, 'workspaces', projectId, 'offline.txt');
    let content = '';
    for (const started = Date.now(); Date.now() - started < 1_000;) {
      content = await readFile(file, 'utf8');
      if (content === 'online\noffline\n') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(content).toBe('online\noffline\n');
  });
});
