import type { ProjectSocketServerMessage } from '@vaporform/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { startTestServer, type TestServer } from '../../testing/testServer.js';
import { TestSocketClient } from '../../testing/testSocketClient.js';

/** A project socket as a browser tab holds it: every server message parsed and kept in order. */
class SocketClient extends TestSocketClient {
  readonly messages: ProjectSocketServerMessage[] = [];

  constructor(socket: WebSocket) {
    super(socket);
    socket.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString('utf8')) as ProjectSocketServerMessage);
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  subscribe(projectId: string): void {
    this.send({ type: 'subscribe', projectId });
  }

  /** The first message (from `from` on) that matches, waiting for it if need be. */
  async waitFor(
    match: (message: ProjectSocketServerMessage) => boolean,
    { timeoutMs = 5_000, from = 0 } = {},
  ): Promise<ProjectSocketServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no matching message in ${JSON.stringify(this.messages.slice(from))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const [pglite] = testDatabaseKinds();

describe('the project socket at /api/ws', () => {
  let server: TestServer;
  let base: string;
  let origin: string;
  let owner: { token: string; userId: string; cookie: string };
  const clients: SocketClient[] = [];

  beforeAll(async () => {
    server = await startTestServer(await pglite!.open());
    const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
    origin = address;
    base = address.replace('http://', 'ws://');
    // The first account is the platform admin, who may see every project; keep it out of the way.
    await server.signup('platform-admin@example.com');
    owner = await server.userWithToken('owner@example.com');
  });

  afterAll(async () => {
    for (const client of clients) client.socket.terminate();
    await server?.close();
  });

  function connect(options: { token?: string; cookie?: string; origin?: string | null } = {}): SocketClient {
    const headers: Record<string, string> = {};
    if (options.cookie !== undefined) headers.cookie = options.cookie;
    else headers.authorization = `Bearer ${options.token ?? owner.token}`;
    const sent = options.origin === undefined ? origin : options.origin;
    if (sent !== null) headers.origin = sent;
    const client = new SocketClient(new WebSocket(`${base}/api/ws`, { headers }));
    clients.push(client);
    return client;
  }

  async function createProject(name: string, token = owner.token): Promise<string> {
    const response = await server.request({
      method: 'POST',
      url: '/api/projects',
      token,
      body: { name, templateId: 'node-express' },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  }

  async function subscribed(client: SocketClient, projectId: string): Promise<void> {
    const from = client.messages.length;
    client.subscribe(projectId);
    await client.waitFor((message) => message.type === 'subscribed' && message.projectId === projectId, {
      from,
    });
  }

  async function share(projectId: string, userId: string, permission: string): Promise<void> {
    const response = await server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/members/${userId}`,
      token: owner.token,
      body: { permission },
    });
    expect(response.statusCode, response.body).toBe(200);
  }

  it('delivers file.changed for a file written through the API', async () => {
    const projectId = await createProject('Watched');
    const client = connect();
    await client.opened;
    client.subscribe(projectId);
    expect(
      await client.waitFor((message) => message.type === 'subscribed' && message.projectId === projectId),
    ).toEqual({ type: 'subscribed', projectId, permission: 'admin' });

    const written = await server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/files/notes/hello.txt`,
      token: owner.token,
      body: 'hello',
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(written.statusCode, written.body).toBe(201);
    const event = await client.waitFor(
      (message) =>
        message.type === 'event' &&
        message.name === 'file.changed' &&
        message.payload.path === 'notes/hello.txt',
    );
    expect(event).toMatchObject({
      type: 'event',
      projectId,
      name: 'file.changed',
      payload: { projectId, path: 'notes/hello.txt', kind: expect.stringMatching(/^(created|modified)$/) },
    });
  });

  it('delivers only the events of the subscribed projects', async () => {
    const [mine, other] = [await createProject('Mine'), await createProject('Other')];
    const client = connect();
    await client.opened;
    await subscribed(client, mine);
    // Published straight on the bus: `publish` resolves once every subscriber has been handed the event.
    await server.events.publish('file.changed', { projectId: other, path: 'a.txt', kind: 'modified' });
    await server.events.publish('project.updated', { projectId: other, fields: ['name'] });
    await server.events.publish('file.changed', { projectId: mine, path: 'b.txt', kind: 'modified' });
    await client.waitFor((message) => message.type === 'event' && message.payload.path === 'b.txt');
    expect(client.messages.filter((message) => message.projectId === other)).toEqual([]);

    // After unsubscribing, nothing more arrives for it.
    client.send({ type: 'unsubscribe', projectId: mine });
    await client.waitFor((message) => message.type === 'unsubscribed');
    expect(client.messages.at(-1)).toEqual({ type: 'unsubscribed', projectId: mine, reason: 'requested' });
    const count = client.messages.length;
    await server.events.publish('file.changed', { projectId: mine, path: 'c.txt', kind: 'modified' });
    await subscribed(client, other);
    expect(client.messages.slice(count)).toEqual([
      { type: 'subscribed', projectId: other, permission: 'admin' },
    ]);
  });

  it('answers not_found alike for a project shared with someone else and one that does not exist', async () => {
    const projectId = await createProject('Private');
    const stranger = await server.userWithToken('stranger@example.com');
    const client = connect({ token: stranger.token });
    await client.opened;
    client.subscribe(projectId);
    const refused = await client.waitFor((message) => message.type === 'error');
    expect(refused).toEqual({ type: 'error', projectId, code: 'not_found', message: 'Project not found' });
    const missing = '0b5f4a34-2c39-4a43-9d0c-9a3b0b8e2f11';
    client.subscribe(missing);
    const absent = await client.waitFor(
      (message) => message.type === 'error' && message.projectId === missing,
    );
    expect({ ...absent, projectId }).toEqual(refused);

    await server.events.publish('file.changed', { projectId, path: 'x', kind: 'modified' });
    expect(client.messages.filter((message) => message.type === 'event')).toEqual([]);
  });

  it('ends a removed member’s subscription within 5 s, and follows permission changes', async () => {
    const projectId = await createProject('Shared');
    const member = await server.userWithToken('member@example.com');
    await share(projectId, member.userId, 'read');
    const client = connect({ token: member.token });
    await client.opened;
    client.subscribe(projectId);
    expect(await client.waitFor((message) => message.type === 'subscribed')).toEqual({
      type: 'subscribed',
      projectId,
      permission: 'read',
    });

    let from = client.messages.length;
    await share(projectId, member.userId, 'write');
    expect(await client.waitFor((message) => message.type === 'subscribed', { from })).toEqual({
      type: 'subscribed',
      projectId,
      permission: 'write',
    });

    from = client.messages.length;
    const removedAt = Date.now();
    const removed = await server.request({
      method: 'DELETE',
      url: `/api/projects/${projectId}/members/${member.userId}`,
      token: owner.token,
    });
    expect(removed.statusCode).toBe(204);
    expect(await client.waitFor((message) => message.type === 'unsubscribed', { from })).toEqual({
      type: 'unsubscribed',
      projectId,
      reason: 'revoked',
    });
    expect(Date.now() - removedAt).toBeLessThan(5_000);
    await server.events.publish('file.changed', { projectId, path: 'after.txt', kind: 'modified' });
    expect(
      client.messages.filter((message) => message.type === 'event' && message.payload.path === 'after.txt'),
    ).toEqual([]);
  });

  it('tells subscribers when the project is deleted', async () => {
    const projectId = await createProject('Doomed');
    const client = connect();
    await client.opened;
    await subscribed(client, projectId);
    const deleted = await server.request({
      method: 'DELETE',
      url: `/api/projects/${projectId}`,
      token: owner.token,
    });
    expect(deleted.statusCode).toBe(204);
    await client.waitFor((message) => message.type === 'unsubscribed');
    expect(client.messages.slice(-2)).toEqual([
      { type: 'event', projectId, name: 'project.deleted', payload: { projectId } },
      { type: 'unsubscribed', projectId, reason: 'deleted' },
    ]);
  });

  it('closes the socket with 4401 after logout', async () => {
    const { cookie } = await server.signup('leaver@example.com');
    const client = connect({ cookie });
    await client.opened;
    const projectId = await createProject('Leaver’s', (await server.userWithToken('x@example.com')).token);
    client.subscribe(projectId);
    await client.waitFor((message) => message.type === 'error'); // not theirs: the socket still works
    const loggedOutAt = Date.now();
    const logout = await server.request({ method: 'POST', url: '/api/auth/logout', cookie });
    expect(logout.statusCode).toBe(204);
    expect((await client.closed).code).toBe(4401);
    expect(Date.now() - loggedOutAt).toBeLessThan(5_000);
  });

  it('refuses handshakes without credentials or from another origin', async () => {
    await expect(connect({ origin: 'http://evil.example' }).opened).rejects.toThrow(/403/);
    await expect(connect({ origin: null }).opened).rejects.toThrow(/403/);
    const anonymous = new SocketClient(new WebSocket(`${base}/api/ws`, { headers: { origin } }));
    clients.push(anonymous);
    await expect(anonymous.opened).rejects.toThrow(/401/);
  });

  it('answers garbage frames with an error and stays usable', async () => {
    const projectId = await createProject('Sturdy');
    const client = connect();
    await client.opened;
    client.send('this is not json');
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    client.send({ type: 'subscribe', projectId: 'not-a-uuid' });
    client.send({ type: 'shout', projectId });
    client.send({ type: 'subscribe', projectId, extra: true });
    await client.waitFor(() => client.messages.length >= 5);
    expect(client.messages).toEqual([
      expect.objectContaining({ type: 'error', projectId: null, code: 'validation_failed' }),
      expect.objectContaining({ type: 'error', projectId: null, code: 'validation_failed' }),
      expect.objectContaining({ type: 'error', projectId: null, code: 'validation_failed' }),
      expect.objectContaining({ type: 'error', projectId, code: 'validation_failed' }),
      expect.objectContaining({ type: 'error', projectId, code: 'validation_failed' }),
    ]);
    await subscribed(client, projectId);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });
});
