import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeWithDocker,
  runtimeImagesUnavailableReason,
  socketPath,
} from '../../../testing/dockerAvailability.js';
import { testDatabaseKinds } from '../../../testing/testDatabases.js';
import { startTestServer, type TestServer } from '../../../testing/testServer.js';
import { DockerRuntime, stackImageTag } from '../../containers/index.js';
import { FilesService } from '../../files/index.js';
import { McpHub } from './mcpHub.js';
import { stdioMcpServerSource } from './testing/stdioMcpServer.js';

const reason = await runtimeImagesUnavailableReason([stackImageTag('node')]);

interface WhoAmI {
  uid: number;
  cwd: string;
  pid: number;
  hostname: string;
  dockerenv: boolean;
  greeting: string | null;
  home: string;
}

describeWithDocker(reason, 'McpHub with stdio servers in the project container', () => {
  const docker = new Docker({ socketPath });
  let server: TestServer;
  let hub: McpHub;
  let token = '';
  let userId = '';
  let projectId = '';
  let workspace = '';
  const signal = new AbortController().signal;

  beforeAll(async () => {
    const database = await (testDatabaseKinds()[0]?.open() ?? Promise.reject(new Error('no database')));
    server = await startTestServer(database, {
      env: { VAPORFORM_AUTOSTART: 'false', VAPORFORM_IDLE_MINUTES: '0' },
      overrides: { containerRuntime: { runtime: new DockerRuntime(), kind: 'docker' } },
    });
    ({ token, userId } = await server.userWithToken('mcp@example.com'));
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token,
      body: { name: 'MCP stdio', templateId: 'node-express' },
    });
    expect(created.statusCode, created.body).toBe(201);
    projectId = created.json<{ id: string }>().id;
    const workspacesDir = path.join(server.dataDir, 'workspaces');
    workspace = path.join(workspacesDir, projectId);
    // An app with no dependencies: the container is up in seconds and needs no registry.
    await rm(path.join(workspace, 'package-lock.json'), { force: true });
    await writeFile(path.join(workspace, '.npmrc'), 'audit=false\nfund=false\n');
    await writeFile(
      path.join(workspace, 'package.json'),
      JSON.stringify({
        name: 'mcp-test',
        private: true,
        scripts: {
          dev: `node -e "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT)"`,
        },
      }),
    );
    await writeFile(path.join(workspace, 'mcp-server.mjs'), stdioMcpServerSource);
    await start();
    hub = new McpHub({
      containers: server.containers,
      files: new FilesService({ workspacesDir, scratchDir: path.join(server.dataDir, 'tmp') }),
      events: server.events,
      allowedHosts: [],
      clientVersion: 'test',
      connectTimeoutMs: 20_000,
    });
  }, 240_000);

  afterAll(async () => {
    await hub?.dispose();
    if (projectId) await server.request({ method: 'DELETE', url: `/api/projects/${projectId}`, token });
    await server?.close();
  }, 120_000);

  async function start(): Promise<void> {
    const response = await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/container/start?wait=true&timeoutSeconds=150`,
      token,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ status: string }>().status).toBe('running');
  }

  async function declare(mcpServers: Record<string, unknown>): Promise<void> {
    await writeFile(path.join(workspace, '.mcp.json'), JSON.stringify({ mcpServers }));
  }

  async function whoami(): Promise<WhoAmI> {
    const result = await hub.call(projectId, userId, 'mcp__box__whoami', {}, signal);
    expect(result.isError, result.output).toBe(false);
    return JSON.parse(result.output) as WhoAmI;
  }

  async function alive(pid: number): Promise<boolean> {
    const result = await server.containers.exec(projectId, userId, ['sh', '-c', `kill -0 ${pid}`]);
    return result.exitCode === 0;
  }

  it('lists and calls the tools of a stdio server that runs in the container as uid 1000', async () => {
    await declare({ box: { command: 'node', args: ['mcp-server.mjs'], env: { GREETING: 'hello' } } });
    const { tools, problems } = await hub.tools(projectId, userId);
    expect(problems).toEqual([]);
    expect(tools.map((tool) => tool.name)).toEqual(['mcp__box__whoami', 'mcp__box__echo']);
    expect(tools[1]?.inputSchema).toEqual({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });

    const me = await whoami();
    const container = await docker.getContainer(`vaporform-${projectId}`).inspect();
    expect(me).toMatchObject({
      uid: 1000,
      cwd: '/workspace',
      hostname: container.Config.Hostname,
      dockerenv: true,
      greeting: 'hello',
      home: '/home/vaporform',
    });
    expect(await hub.call(projectId, userId, 'mcp__box__echo', { text: 'ünïcode ✓' }, signal)).toEqual({
      output: 'ünïcode ✓',
      isError: false,
    });
    // One process serves every call until something closes it.
    expect((await whoami()).pid).toBe(me.pid);
  });

  it('restarts the server when .mcp.json changes, ending the old process', async () => {
    await declare({ box: { command: 'node', args: ['mcp-server.mjs'], env: { GREETING: 'first' } } });
    await hub.tools(projectId, userId);
    const before = await whoami();
    expect(before.greeting).toBe('first');
    await hub.tools(projectId, userId);
    expect((await whoami()).pid).toBe(before.pid);

    await declare({ box: { command: 'node', args: ['mcp-server.mjs'], env: { GREETING: 'second' } } });
    await hub.tools(projectId, userId);
    const after = await whoami();
    expect(after.greeting).toBe('second');
    expect(after.pid).not.toBe(before.pid);
    expect(await alive(before.pid)).toBe(false);
    expect(await alive(after.pid)).toBe(true);
  });

  it('turns a server that cannot start into a problem saying why, and keeps the others', async () => {
    await declare({
      box: { command: 'node', args: ['mcp-server.mjs'] },
      crashes: { command: 'node', args: ['-e', 'console.error("missing API key"); process.exit(3)'] },
      missing: { command: 'no-such-mcp-server' },
    });
    const { tools, problems } = await hub.tools(projectId, userId);
    expect(tools.map((tool) => tool.server)).toEqual(['box', 'box']);
    expect(problems).toEqual([
      "MCP server 'crashes': the server closed the connection; the process exited with code 3; it printed: missing API key",
      expect.stringMatching(
        /^MCP server 'missing': the server closed the connection; 'no-such-mcp-server' could not be run in the container: not found or not executable \(exit code 12[67]\)/,
      ),
    ]);
  });

  it('closes the connections when the container stops, and starts the server again after', async () => {
    await declare({ box: { command: 'node', args: ['mcp-server.mjs'] } });
    await hub.tools(projectId, userId);
    const before = await whoami();
    const stopped = await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/container/stop`,
      token,
    });
    expect(stopped.statusCode, stopped.body).toBe(200);
    expect((await hub.call(projectId, userId, 'mcp__box__whoami', {}, signal)).output).toBe(
      "mcp__box__whoami failed: MCP server 'box': The project is not running: start it first",
    );
    expect(await hub.tools(projectId, userId)).toEqual({
      tools: [],
      problems: ["MCP server 'box': The project is not running: start it first"],
    });

    await start();
    expect((await hub.tools(projectId, userId)).tools).toHaveLength(2);
    expect((await whoami()).pid).not.toBe(before.pid);
  }, 180_000);
});
