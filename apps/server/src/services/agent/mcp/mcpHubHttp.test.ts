import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FilesService } from '../../files/index.js';
import { McpHub, type McpHubOptions } from './mcpHub.js';

/** What the test MCP servers saw: handshakes, requests, and the sessions still open. */
const seen = {
  initialize: 0,
  requests: 0,
  deletes: 0,
  sessions: new Map<string, StreamableHTTPServerTransport>(),
};

function toolServer(): McpServer {
  const mcp = new McpServer({ name: 'test-http', version: '1.0.0' });
  mcp.registerTool(
    'add',
    { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } },
    ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  );
  mcp.registerTool('marker', { description: 'The X-Test-Marker header it got' }, (extra) => ({
    content: [{ type: 'text', text: String(extra.requestInfo?.headers['x-test-marker']) }],
  }));
  mcp.registerTool('big', { description: '100 KB of text' }, () => ({
    content: [{ type: 'text', text: 'x'.repeat(100_000) }],
  }));
  mcp.registerTool('picture', { description: 'An image and a caption' }, () => ({
    content: [
      { type: 'text', text: 'a red dot' },
      { type: 'image', data: Buffer.from('not really a png').toString('base64'), mimeType: 'image/png' },
    ],
  }));
  mcp.registerTool('refuses', { description: 'Always fails' }, () => ({
    content: [{ type: 'text', text: 'no, never' }],
    isError: true,
  }));
  mcp.registerTool('slow', { description: 'Takes three seconds' }, async () => {
    await delay(3_000);
    return { content: [{ type: 'text', text: 'finally' }] };
  });
  return mcp;
}

/**
 * The SDK's own server with sessions, as real servers run it: a transport per session, the GET event
 * stream, DELETE to end a session.
 */
function sdkServer(): http.Server {
  return http.createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body: unknown =
        chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      seen.requests++;
      if (request.method === 'DELETE') seen.deletes++;
      const sessionId = request.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? seen.sessions.get(sessionId) : undefined;
      if (transport === undefined) {
        if ((body as { method?: string } | undefined)?.method !== 'initialize') {
          response.writeHead(404).end();
          return;
        }
        seen.initialize++;
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => void seen.sessions.set(id, created),
        });
        created.onclose = () => {
          if (created.sessionId !== undefined) seen.sessions.delete(created.sessionId);
        };
        await toolServer().connect(created);
        transport = created;
      }
      await transport.handleRequest(request, response, body);
    })().catch(() => response.destroy());
  });
}

/** A hand-written server whose tool list mixes valid tools with ones a model could not be given. */
function sloppyServer(): http.Server {
  return http.createServer((request, response) => {
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: number; method: string };
      if (message.id === undefined) {
        response.writeHead(202).end();
        return;
      }
      const results: Record<string, unknown> = {
        initialize: {
          protocolVersion: '2025-06-18',
          capabilities: { tools: {} },
          serverInfo: { name: 'sloppy', version: '0' },
        },
        'tools/list': {
          tools: [
            { name: 'fine', description: 'ok', inputSchema: { type: 'object' } },
            { name: 'dotted.name', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } },
            { name: 'stringly', inputSchema: { type: 'string' } },
            { name: 'schemaless' },
            { description: 'no name', inputSchema: { type: 'object' } },
            { name: 'fine', inputSchema: { type: 'object' } },
            { name: 'y'.repeat(60), inputSchema: { type: 'object' } },
          ],
        },
      };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: results[message.method] ?? {} }));
    });
  });
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

describe('McpHub with HTTP servers', { timeout: 30_000 }, () => {
  const servers = [sdkServer(), sloppyServer()];
  const hubs: McpHub[] = [];
  let sdkUrl = '';
  let sloppyUrl = '';
  let root = '';
  let files: FilesService;

  beforeAll(async () => {
    [sdkUrl, sloppyUrl] = (await Promise.all(servers.map(listen))) as [string, string];
    root = await mkdtemp(path.join(os.tmpdir(), 'vaporform-mcp-http-'));
    files = new FilesService({ workspacesDir: root, scratchDir: path.join(root, 'tmp') });
  });

  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((hub) => hub.dispose()));
  });

  afterAll(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await rm(root, { recursive: true, force: true });
  });

  function hub(options: Partial<McpHubOptions> = {}): McpHub {
    const created = new McpHub({
      containers: {
        openPipe: () => Promise.reject(new Error('no container in this test')),
        touch: () => undefined,
      },
      files,
      allowedHosts: ['127.0.0.1'],
      clientVersion: 'test',
      ...options,
    });
    hubs.push(created);
    return created;
  }

  async function project(mcpServers: Record<string, unknown>): Promise<string> {
    const projectId = randomUUID();
    await mkdir(path.join(root, projectId));
    await declare(projectId, mcpServers);
    return projectId;
  }

  async function declare(projectId: string, mcpServers: Record<string, unknown>): Promise<void> {
    await writeFile(path.join(root, projectId, '.mcp.json'), JSON.stringify({ mcpServers }));
  }

  const signal = () => new AbortController().signal;

  it("lists the SDK server's tools and calls them", async () => {
    const mcp = hub();
    const id = await project({ remote: { type: 'http', url: sdkUrl } });
    const { tools, problems } = await mcp.tools(id, 'user');
    expect(problems).toEqual([]);
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      ['add', 'big', 'marker', 'picture', 'refuses', 'slow'].map((tool) => `mcp__remote__${tool}`),
    );
    const add = tools.find((tool) => tool.tool === 'add');
    expect(add).toMatchObject({
      name: 'mcp__remote__add',
      server: 'remote',
      description: 'Adds two numbers',
      inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
    });
    expect(add?.inputSchema.required?.sort()).toEqual(['a', 'b']);
    expect(add?.inputSchema).not.toHaveProperty('$schema');

    expect(await mcp.call(id, 'user', 'mcp__remote__add', { a: 2, b: 3 }, signal())).toEqual({
      output: '5',
      isError: false,
    });
    expect(await mcp.call(id, 'user', 'mcp__remote__refuses', {}, signal())).toEqual({
      output: 'no, never',
      isError: true,
    });
    expect((await mcp.call(id, 'user', 'mcp__remote__picture', {}, signal())).output).toBe(
      'a red dot\n[image: image/png, 16 bytes, not shown]',
    );
    const big = await mcp.call(id, 'user', 'mcp__remote__big', {}, signal());
    expect(big.output).toMatch(/^x{16384}\n… \[output truncated: 83616 more bytes\]$/);
    const wrong = await mcp.call(id, 'user', 'mcp__remote__add', { a: 'two' }, signal());
    expect(wrong.isError).toBe(true);
    expect(await mcp.call(id, 'user', 'mcp__remote__nothing', {}, signal())).toEqual({
      output: "There is no MCP tool named 'mcp__remote__nothing' in this project.",
      isError: true,
    });
    expect(await mcp.call(id, 'user', 'mcp__remote__add', [1, 2], signal())).toMatchObject({ isError: true });
  });

  it('times a call out, and a cancelled call rejects with the reason', async () => {
    const mcp = hub({ callTimeoutMs: 1_000 });
    const id = await project({ remote: { type: 'http', url: sdkUrl } });
    await mcp.tools(id, 'user');
    const started = Date.now();
    expect(await mcp.call(id, 'user', 'mcp__remote__slow', {}, signal())).toEqual({
      output: "mcp__remote__slow failed: MCP server 'remote': the server did not run 'slow' within 1 s",
      isError: true,
    });
    expect(Date.now() - started).toBeLessThan(2_500);

    const controller = new AbortController();
    const reason = new Error('the user cancelled the turn');
    setTimeout(() => controller.abort(reason), 200);
    await expect(mcp.call(id, 'user', 'mcp__remote__slow', {}, controller.signal)).rejects.toBe(reason);
  });

  it('refuses loopback, private and metadata addresses unless allowed, before sending anything', async () => {
    const mcp = hub({ allowedHosts: [] });
    const port = new URL(sdkUrl).port;
    const id = await project({
      loop: { type: 'http', url: sdkUrl },
      private: { type: 'http', url: 'http://10.0.0.7/mcp' },
      metadata: { type: 'http', url: 'http://169.254.169.254/mcp' },
      v6: { type: 'http', url: `http://[::1]:${port}/mcp` },
      named: { type: 'http', url: `http://localhost:${port}/mcp` },
    });
    const before = seen.requests;
    const { tools, problems } = await mcp.tools(id, 'user');
    expect(tools).toEqual([]);
    const allow =
      "MCP servers on this server's own host or on private networks are refused. An administrator can allow the host by adding it to VAPORFORM_MCP_ALLOWED_HOSTS.";
    expect(problems).toEqual([
      `MCP server 'loop': 127.0.0.1 is a loopback address: ${allow}`,
      `MCP server 'private': 10.0.0.7 is a private address: ${allow}`,
      `MCP server 'metadata': 169.254.169.254 is a link-local (cloud metadata) address: ${allow}`,
      `MCP server 'v6': ::1 is a loopback address: ${allow}`,
      expect.stringMatching(
        /^MCP server 'named': localhost resolves to (127\.0\.0\.1|::1), a loopback address: /,
      ),
    ]);
    expect(seen.requests).toBe(before);
  });

  it('reports a bad .mcp.json by server and keeps the servers that are right', async () => {
    const mcp = hub();
    const id = await project({
      good: { type: 'http', url: sdkUrl },
      broken: { type: 'http' },
      'bad name!': { command: 'node' },
    });
    const { tools, problems } = await mcp.tools(id, 'user');
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.every((tool) => tool.server === 'good')).toBe(true);
    expect(problems).toEqual([
      `.mcp.json: MCP server 'broken': "url" is missing`,
      `.mcp.json: MCP server 'bad name!': the name must be 1–32 letters, digits, '_' or '-'`,
    ]);

    await writeFile(path.join(root, id, '.mcp.json'), '{ "mcpServers": ');
    expect(await mcp.tools(id, 'user')).toEqual({
      tools: [],
      problems: [expect.stringMatching(/^\.mcp\.json is not valid JSON: /)],
    });
    await rm(path.join(root, id, '.mcp.json'));
    expect(await mcp.tools(id, 'user')).toEqual({ tools: [], problems: [] });
  });

  it('leaves out tools a model could not be given, naming each', async () => {
    const mcp = hub();
    const id = await project({ sloppy: { type: 'http', url: sloppyUrl } });
    const { tools, problems } = await mcp.tools(id, 'user');
    expect(tools.map((tool) => [tool.name, tool.tool])).toEqual([
      ['mcp__sloppy__fine', 'fine'],
      ['mcp__sloppy__dotted_name', 'dotted.name'],
    ]);
    expect(tools[0]?.inputSchema).toEqual({ type: 'object', properties: {} });
    expect(problems).toEqual([
      `MCP server 'sloppy': tool 'stringly' is left out: its inputSchema is not a JSON Schema of type "object"`,
      `MCP server 'sloppy': tool 'schemaless' is left out: its inputSchema is not a JSON Schema of type "object"`,
      `MCP server 'sloppy': a tool is left out: its name is invalid`,
      `MCP server 'sloppy': tool 'fine' is listed twice`,
      `MCP server 'sloppy': tool '${'y'.repeat(60)}' is left out: 'mcp__sloppy__${'y'.repeat(60)}' is longer than the 64 characters models accept (shorten the server's name)`,
    ]);
  });

  it('reconnects when .mcp.json changes, and only then', async () => {
    const mcp = hub();
    const id = await project({ remote: { type: 'http', url: sdkUrl, headers: { 'X-Test-Marker': 'one' } } });
    const initialized = seen.initialize;
    await mcp.tools(id, 'user');
    expect((await mcp.call(id, 'user', 'mcp__remote__marker', {}, signal())).output).toBe('one');
    await mcp.tools(id, 'user');
    expect(seen.initialize).toBe(initialized + 1);

    await declare(id, { remote: { type: 'http', url: sdkUrl, headers: { 'X-Test-Marker': 'two' } } });
    const { tools } = await mcp.tools(id, 'user');
    expect(seen.initialize).toBe(initialized + 2);
    expect(tools.find((tool) => tool.tool === 'marker')?.serverFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect((await mcp.call(id, 'user', 'mcp__remote__marker', {}, signal())).output).toBe('two');

    // The old session was ended, not abandoned.
    expect(seen.sessions.size).toBe(1);

    await declare(id, { renamed: { type: 'http', url: sdkUrl } });
    expect((await mcp.tools(id, 'user')).tools.every((tool) => tool.server === 'renamed')).toBe(true);
    expect(await mcp.call(id, 'user', 'mcp__remote__marker', {}, signal())).toMatchObject({ isError: true });
  });

  it('closes idle connections and opens them again on the next call', async () => {
    const mcp = hub({ idleMs: 1_000 });
    const id = await project({ remote: { type: 'http', url: sdkUrl } });
    await mcp.tools(id, 'user');
    const initialized = seen.initialize;
    await delay(2_500);
    expect((await mcp.call(id, 'user', 'mcp__remote__add', { a: 1, b: 1 }, signal())).output).toBe('2');
    expect(seen.initialize).toBe(initialized + 1);
  });

  it('answers nothing once disposed', async () => {
    const mcp = hub();
    const id = await project({ remote: { type: 'http', url: sdkUrl } });
    await mcp.tools(id, 'user');
    expect(seen.sessions.size).toBe(1);
    const deletes = seen.deletes;
    await mcp.dispose();
    expect(seen.deletes).toBe(deletes + 1);
    expect(seen.sessions.size).toBe(0);
    await expect(mcp.tools(id, 'user')).rejects.toThrow(/shutting down/);
  });
});
