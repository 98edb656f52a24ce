import type { ContainerInfo, TerminalInfo } from '@vaporform/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { startTestServer, type TestServer } from '../../testing/testServer.js';
import { DockerRuntime, stackImageTag } from '../containers/index.js';
import { describeWithDocker, runtimeImagesUnavailableReason } from '../../testing/dockerAvailability.js';
import { TestSocketClient } from '../../testing/testSocketClient.js';

const unavailable = await runtimeImagesUnavailableReason([stackImageTag('python')]);

/** A terminal socket as a browser tab would hold it: output collected, text frames parsed. */
class TerminalClient extends TestSocketClient {
  output = '';
  readonly messages: Record<string, unknown>[] = [];

  constructor(socket: WebSocket) {
    super(socket);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.output += data.toString('utf8');
      else this.messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
    });
  }

  type(text: string): void {
    this.socket.send(Buffer.from(text), { binary: true });
  }

  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = pattern.exec(this.output);
      if (match) return match[0];
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no ${String(pattern)} in terminal output: ${JSON.stringify(this.output.slice(-500))}`);
  }
}

describeWithDocker(unavailable, 'terminals over WebSocket', () => {
  let server: TestServer;
  let base: string;
  let owner: { token: string; userId: string };
  let projectId: string;

  beforeAll(async () => {
    server = await startTestServer(await testDatabaseKinds()[0]!.open(), {
      env: { VAPORFORM_AUTOSTART: 'false', VAPORFORM_IDLE_MINUTES: '0' },
      overrides: {
        containerRuntime: { runtime: new DockerRuntime(), kind: 'docker' },
        terminals: { graceMs: 2_000, sweepMs: 500 },
      },
    });
    base = (await server.app.listen({ port: 0, host: '127.0.0.1' })).replace('http://', 'ws://');
    owner = await server.userWithToken('owner@example.com');
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: 'Shell', templateId: 'python-flask' },
    });
    projectId = created.json<{ id: string }>().id;
    const started = await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/container/start?wait=true`,
      token: owner.token,
    });
    expect(started.json<ContainerInfo>().status).toBe('running');
  }, 120_000);

  afterAll(async () => {
    await server.request({ method: 'DELETE', url: `/api/projects/${projectId}`, token: owner.token });
    await server.close();
  }, 60_000);

  function connect(
    terminalId: string,
    options: { token?: string; origin?: string | null; query?: string } = {},
  ): TerminalClient {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? owner.token}` };
    const origin = options.origin === undefined ? base.replace('ws://', 'http://') : options.origin;
    if (origin !== null) headers.origin = origin;
    const url = `${base}/api/projects/${projectId}/terminals/${terminalId}${options.query ?? ''}`;
    return new TerminalClient(new WebSocket(url, { headers }));
  }

  it('runs a shell in the project container as the container user', async () => {
    const client = connect('main', { query: '?cols=100&rows=30' });
    await client.opened;
    client.type('echo "sum=$((6*7)) uid=$(id -u) pwd=$PWD"\n');
    await client.waitFor(/sum=42 uid=1000 pwd=\/workspace/);
    client.type('stty size\n');
    await client.waitFor(/30 100/);
    // A resize is a call to Docker and keystrokes are not: ask until the new size shows.
    client.socket.send(JSON.stringify({ type: 'resize', cols: 120, rows: 40 }));
    for (let attempt = 0; !/40 120/.test(client.output) && attempt < 20; attempt++) {
      client.type('stty size\n');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await client.waitFor(/40 120/);
    client.socket.close();
    await client.closed;
  });

  it('re-attaches to the same shell within the grace period and replays what it printed', async () => {
    const first = connect('reattach');
    await first.opened;
    first.type('export SECRET_WORD=pineapple; echo marker-before-reload\n');
    await first.waitFor(/marker-before-reload\r?\n/);
    first.socket.terminate();
    await first.closed;

    const second = connect('reattach');
    await second.opened;
    await second.waitFor(/marker-before-reload/); // replayed from the scrollback
    expect(second.messages).toContainEqual(expect.objectContaining({ type: 'ready', id: 'reattach' }));
    second.type('echo "word=$SECRET_WORD"\n');
    await second.waitFor(/word=pineapple/);

    const list = await server.request({
      method: 'GET',
      url: `/api/projects/${projectId}/terminals`,
      token: owner.token,
    });
    expect(list.json<TerminalInfo[]>()).toContainEqual(
      expect.objectContaining({ id: 'reattach', attached: 1 }),
    );
    const closed = await server.request({
      method: 'DELETE',
      url: `/api/projects/${projectId}/terminals/reattach`,
      token: owner.token,
    });
    expect(closed.statusCode).toBe(204);
    expect((await second.closed).code).toBe(1000);
  });

  it('runs two terminals side by side and reports a shell’s exit code', async () => {
    const left = connect('left');
    const right = connect('right');
    await Promise.all([left.opened, right.opened]);
    left.type('export SIDE=left; echo "side=$SIDE"\n');
    right.type('echo "side=${SIDE:-right}"\n');
    await left.waitFor(/side=left/);
    await right.waitFor(/side=right/);
    right.type('exit 3\n');
    expect((await right.closed).code).toBe(1000);
    expect(right.messages).toContainEqual({ type: 'exit', code: 3 });
    left.socket.close();
    await left.closed;
  });

  it('ends a shell whose socket did not come back in time', async () => {
    const first = connect('short-lived');
    await first.opened;
    first.type('export KEPT=no; echo ready-1\n');
    await first.waitFor(/ready-1\r?\n/);
    first.socket.close();
    await first.closed;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const second = connect('short-lived');
    await second.opened;
    second.type('echo "kept=${KEPT:-gone}"\n');
    await second.waitFor(/kept=gone/);
    expect(second.messages).toContainEqual(expect.objectContaining({ type: 'ready', replayedBytes: 0 }));
    second.socket.close();
  });

  it('refuses sockets without the IDE origin, and members without execute', async () => {
    await expect(connect('no-origin', { origin: null }).opened).rejects.toThrow(/403/);
    await expect(connect('foreign', { origin: 'http://evil.example' }).opened).rejects.toThrow(/403/);
    await expect(connect('null-origin', { origin: 'null' }).opened).rejects.toThrow(/403/);

    const reader = await server.userWithToken('reader@example.com');
    await server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/members/${reader.userId}`,
      token: owner.token,
      body: { permission: 'read' },
    });
    await expect(connect('reader', { token: reader.token }).opened).rejects.toThrow(/403/);
    const stranger = await server.userWithToken('stranger@example.com');
    await expect(connect('stranger', { token: stranger.token }).opened).rejects.toThrow(/404/);
  });

  it('closes a member’s terminal within 5 s of losing execute', async () => {
    const member = await server.userWithToken('runner@example.com');
    const share = (permission: string) =>
      server.request({
        method: 'PUT',
        url: `/api/projects/${projectId}/members/${member.userId}`,
        token: owner.token,
        body: { permission },
      });
    await share('execute');
    const client = connect('mine', { token: member.token });
    await client.opened;
    client.type('echo member-shell\n');
    await client.waitFor(/member-shell\r?\n/);
    // Another user's terminal of the same name is a different shell.
    const ownerList = await server.request({
      method: 'GET',
      url: `/api/projects/${projectId}/terminals`,
      token: owner.token,
    });
    expect(ownerList.json<TerminalInfo[]>().map((terminal) => terminal.id)).not.toContain('mine');

    const revokedAt = Date.now();
    await share('read');
    const { code } = await client.closed;
    expect(code).toBe(4403);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
  });

  it('closes a terminal when the token it was opened with is revoked', async () => {
    const created = await server.request({
      method: 'POST',
      url: '/api/auth/tokens',
      token: owner.token,
      body: { name: 'short-lived' },
    });
    const { token, apiToken } = created.json<{ token: string; apiToken: { id: string } }>();
    const client = connect('revocable', { token });
    await client.opened;
    client.type('echo still-here\n');
    await client.waitFor(/still-here\r?\n/);
    const revokedAt = Date.now();
    await server.request({ method: 'DELETE', url: `/api/auth/tokens/${apiToken.id}`, token: owner.token });
    expect((await client.closed).code).toBe(4401);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
  });
});
