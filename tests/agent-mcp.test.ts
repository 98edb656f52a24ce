import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Turn } from '@vaporform/contracts';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testDatabaseKinds } from '../apps/server/src/testing/testDatabases.js';
import { startTestServer, type TestServer } from '../apps/server/src/testing/testServer.js';
import { FakeAnthropicServer, reply, text, toolUse } from './fakes/anthropicMessagesServer.js';
import { startTurn, waitForTurn } from './support/agentTurns.js';

/** The SDK's own Streamable HTTP server, stateless: one tool that says what it was asked. */
function docsServer(calls: string[]): http.Server {
  return http.createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body: unknown =
        chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      const mcp = new McpServer({ name: 'docs', version: '1.0.0' });
      mcp.registerTool(
        'lookup',
        { description: 'Looks a topic up in the docs', inputSchema: { topic: z.string() } },
        ({ topic }) => {
          calls.push(topic);
          return { content: [{ type: 'text', text: `Docs on ${topic}: use app.get().` }] };
        },
      );
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      response.on('close', () => void Promise.all([transport.close(), mcp.close()]));
      await mcp.connect(transport);
      await transport.handleRequest(request, response, body);
    })().catch(() => response.destroy());
  });
}

/**
 * MCP tools in agent turns: a project's `.mcp.json` names an HTTP server (the SDK's real server), the real
 * Anthropic SDK against the fake calls its tool, and the first use waits for a member to allow it.
 */
describe('agent turns with MCP tools', () => {
  let fake: FakeAnthropicServer;
  let server: TestServer;
  let docs: http.Server;
  const calls: string[] = [];
  let owner: { token: string };
  let projectId: string;

  beforeAll(async () => {
    docs = docsServer(calls);
    await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
    fake = await FakeAnthropicServer.start();
    server = await startTestServer(await testDatabaseKinds()[0]!.open(), {
      env: {
        ANTHROPIC_BASE_URL: fake.url,
        ANTHROPIC_API_KEY: 'sk-test-key',
        VAPORFORM_MCP_ALLOWED_HOSTS: '127.0.0.1',
        VAPORFORM_AUTOSTART: 'false',
      },
    });
    owner = await server.userWithToken('mcp-owner@example.com');
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: 'With MCP', templateId: 'node-express' },
    });
    projectId = created.json<{ id: string }>().id;
    const port = (docs.address() as AddressInfo).port;
    const written = await server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/files/.mcp.json`,
      token: owner.token,
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ mcpServers: { docs: { type: 'http', url: `http://127.0.0.1:${port}/mcp` } } }),
    });
    expect(written.statusCode, written.body).toBeLessThan(300);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await fake?.close();
    docs?.closeAllConnections();
    await new Promise((resolve) => docs?.close(resolve));
  });

  const until = (turnId: string, done: (turn: Turn) => boolean) =>
    waitForTurn(server, projectId, turnId, owner.token, done);
  const ask = async (message: string) => (await startTurn(server, projectId, owner.token, message)).turnId;

  const answer = (turnId: string, body: unknown, token = owner.token) =>
    server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/chat/turns/${turnId}/approval`,
      token,
      body,
    });

  it('offers the tool, waits for a member to allow its first use, then remembers the answer', async () => {
    fake.script([
      reply([toolUse('mcp__docs__lookup', { topic: 'routing' })]),
      reply([text('The docs say to use app.get().')]),
    ]);
    const turnId = await ask('How do I add a route? Check the docs.');
    const waiting = await until(turnId, (turn) => turn.approval !== null);
    expect(waiting).toMatchObject({
      status: 'running',
      approval: { tool: 'mcp__docs__lookup', server: 'docs', input: { topic: 'routing' } },
    });
    expect(calls).toEqual([]);
    const tools = fake.requests.at(-1)!.body.tools?.map((tool) => tool.name);
    expect(tools).toContain('mcp__docs__lookup');
    expect(tools).toContain('read_file');

    // A reader cannot allow it; nor can anyone allow a tool the turn is not waiting for.
    const reader = await server.userWithToken('mcp-reader@example.com');
    await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/members`,
      token: owner.token,
      body: { email: 'mcp-reader@example.com', permission: 'read' },
    });
    expect((await answer(turnId, { tool: 'mcp__docs__lookup', allow: true }, reader.token)).statusCode).toBe(
      403,
    );
    expect((await answer(turnId, { tool: 'mcp__docs__other', allow: true })).statusCode).toBe(409);

    const allowed = await answer(turnId, { tool: 'mcp__docs__lookup', allow: true });
    expect(allowed.statusCode, allowed.body).toBe(200);
    const turn = await until(turnId, (current) => current.status !== 'running');
    expect(turn).toMatchObject({ status: 'done', approval: null });
    expect(turn.toolCalls[0]).toMatchObject({ name: 'mcp__docs__lookup', isError: false });
    expect(turn.toolCalls[0]!.output).toContain('Docs on routing');
    expect(calls).toEqual(['routing']);

    // Remembered for the project: the next turn's call runs without asking; its result, like every tool
    // result, has the project's secret values masked.
    const secret = await server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/secrets/LOOKUP_TOPIC`,
      token: owner.token,
      body: { value: 'middleware' },
    });
    expect(secret.statusCode, secret.body).toBeLessThan(300);
    fake.script([
      reply([toolUse('mcp__docs__lookup', { topic: 'middleware' })]),
      reply([text('Middleware goes before the routes.')]),
    ]);
    const next = await until(await ask('And middleware?'), (current) => current.status !== 'running');
    expect(next.status).toBe('done');
    expect(next.toolCalls[0]!.output).toContain('Docs on [secret:LOOKUP_TOPIC]');
    expect(next.toolCalls[0]!.output).not.toContain('middleware');
    expect(calls).toEqual(['routing', 'middleware']);
  });

  it('tells the model when the tool is refused, and does not ask again', async () => {
    fake.script([
      reply([toolUse('mcp__docs__lookup', { topic: 'secrets' })]),
      reply([text('I will do without the docs.')]),
    ]);
    // Forget the earlier answer by pointing the server's name elsewhere: a new server asks anew.
    const port = (docs.address() as AddressInfo).port;
    await server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/files/.mcp.json`,
      token: owner.token,
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({
        mcpServers: { docs: { type: 'http', url: `http://127.0.0.1:${port}/mcp?v=2` } },
      }),
    });
    const turnId = await ask('Look up secrets');
    await until(turnId, (turn) => turn.approval !== null);
    expect((await answer(turnId, { tool: 'mcp__docs__lookup', allow: false })).statusCode).toBe(200);
    const turn = await until(turnId, (current) => current.status !== 'running');
    expect(turn.toolCalls[0]).toMatchObject({ isError: true });
    expect(turn.toolCalls[0]!.output).toMatch(/did not allow/);
    expect(calls).not.toContain('secrets');

    fake.script([reply([toolUse('mcp__docs__lookup', { topic: 'again' })]), reply([text('Still no.')])]);
    const again = await until(await ask('Try again'), (current) => current.status !== 'running');
    expect(again.approval).toBeNull();
    expect(again.toolCalls[0]!.output).toMatch(/did not allow/);
    expect(calls).not.toContain('again');
  });
});
