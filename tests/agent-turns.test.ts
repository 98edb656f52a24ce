import type { Turn, VaporformEvents } from '@vaporform/contracts';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { testDatabaseKinds } from '../apps/server/src/testing/testDatabases.js';
import { startTestServer, type TestServer } from '../apps/server/src/testing/testServer.js';
import { FakeAnthropicServer, overloaded, reply, text, toolUse } from './fakes/anthropicMessagesServer.js';
import { startTurn, waitForTurn } from './support/agentTurns.js';

const helloRoute = "app.get('/api/hello', (req, res) => {";

/**
 * Agent turns end to end: the real Anthropic SDK against the protocol fake, the real server, real files and
 * checkpoints. The model's answers are scripted; everything the agent does with them is real.
 */
describe('agent turns', () => {
  let fake: FakeAnthropicServer;
  let server: TestServer;
  let owner: { token: string; userId: string };
  const events: VaporformEvents['agent.turn'][] = [];

  beforeAll(async () => {
    fake = await FakeAnthropicServer.start();
    server = await startTestServer(await testDatabaseKinds()[0]!.open(), {
      env: {
        ANTHROPIC_BASE_URL: fake.url,
        ANTHROPIC_API_KEY: 'sk-test-key',
        VAPORFORM_AGENT_MAX_ITERATIONS: '3',
        VAPORFORM_AUTOSTART: 'false',
      },
    });
    server.events.subscribe('agent.turn', (event) => void events.push(event));
    owner = await server.userWithToken('owner@example.com');
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  async function project(): Promise<string> {
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: `Agent ${Math.random().toString(36).slice(2, 8)}`, templateId: 'node-express' },
    });
    expect(created.statusCode, created.body).toBe(201);
    return created.json<{ id: string }>().id;
  }

  const ask = (projectId: string, message: string, token = owner.token) =>
    startTurn(server, projectId, token, message);
  const finished = (projectId: string, turnId: string) => waitForTurn(server, projectId, turnId, owner.token);

  const readFile = async (projectId: string, path: string) =>
    server.request({ method: 'GET', url: `/api/projects/${projectId}/files/${path}`, token: owner.token });

  it('lands a multi-file change, streams every step, checkpoints first and can be rewound', async () => {
    const projectId = await project();
    fake.script([
      reply([text('Let me look at the app first.'), toolUse('read_file', { path: 'src/app.ts' })]),
      reply([
        toolUse('write_file', { path: 'src/auth.ts', content: 'export const requireUser = true;\n' }),
        toolUse('edit_file', {
          path: 'src/app.ts',
          oldText: helloRoute,
          newText: `// Routes below need a signed-in user.\n  ${helloRoute}`,
        }),
      ]),
      reply([text('Added `src/auth.ts` and marked the protected routes.')]),
    ]);
    const { turnId, threadId } = await ask(projectId, 'Add authentication to my app');
    const turn = await finished(projectId, turnId);
    expect(turn).toMatchObject({ status: 'done', error: null, changedFiles: ['src/auth.ts', 'src/app.ts'] });
    expect(turn.fileDiffs.map((file) => file.path)).toEqual(['src/auth.ts', 'src/app.ts']);
    expect(turn.fileDiffs[0]!.diff).toContain('+export const requireUser = true;');
    // The template declares checks, but no container runs here: they are skipped, not failed.
    expect(turn.checks).toEqual([]);
    expect(turn.text).toBe(
      'Let me look at the app first.\n\nAdded `src/auth.ts` and marked the protected routes.',
    );
    expect(turn.toolCalls.map((call) => [call.name, call.isError])).toEqual([
      ['read_file', false],
      ['write_file', false],
      ['edit_file', false],
    ]);
    expect((await readFile(projectId, 'src/auth.ts')).body).toBe('export const requireUser = true;\n');
    expect((await readFile(projectId, 'src/app.ts')).body).toContain(
      '// Routes below need a signed-in user.',
    );

    // What the model was sent: the cached system prompt and tools, and the file it asked for, numbered.
    const requests = fake.requests.slice(-3);
    const first = requests[0]!.body;
    expect(JSON.stringify(first.system)).toContain('"cache_control"');
    expect(first.tools?.map((tool) => tool.name).sort()).toEqual([
      'edit_file',
      'list_files',
      'read_file',
      'read_logs',
      'run_command',
      'search',
      'write_file',
    ]);
    expect(JSON.stringify(requests[1]!.body.messages)).toMatch(/tool_result.*export function createApp/);

    // The stream, in order: text, calls and results, the diffs, then done.
    const mine = events.filter((event) => event.turnId === turnId);
    expect(mine.map((event) => event.seq)).toEqual(mine.map((_event, index) => index + 1));
    // Text arrives word by word: one entry per run of deltas.
    const kinds = mine
      .map((event) => event.event.type)
      .filter((kind, index, all) => kind !== 'usage' && !(kind === 'text' && all[index - 1] === 'text'));
    expect(kinds).toEqual([
      'text',
      'tool_call',
      'tool_result',
      'tool_call',
      'tool_result',
      'tool_call',
      'tool_result',
      'text',
      'file_changed',
      'file_changed',
      'status',
    ]);
    const diff = mine.find(
      (event) => event.event.type === 'file_changed' && event.event.path === 'src/app.ts',
    );
    expect(diff?.event).toMatchObject({
      diff: expect.stringContaining('+  // Routes below need a signed-in user.'),
    });

    // Stored, not only streamed: a reloaded chat gets the diffs too.
    const stored = await server.request({
      method: 'GET',
      url: `/api/projects/${projectId}/chat/threads/${threadId}/turns`,
      token: owner.token,
    });
    expect(stored.json<Turn[]>()[0]!.fileDiffs.map((file) => file.path)).toEqual([
      'src/auth.ts',
      'src/app.ts',
    ]);

    // Rewind: the files are back as they were, and the turn is gone from the thread.
    expect(turn.checkpointId).not.toBeNull();
    const rewound = await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/chat/turns/${turnId}/rewind`,
      token: owner.token,
    });
    expect(rewound.statusCode, rewound.body).toBe(200);
    expect((await readFile(projectId, 'src/auth.ts')).statusCode).toBe(404);
    expect((await readFile(projectId, 'src/app.ts')).body).not.toContain('signed-in user');
    const turns = await server.request({
      method: 'GET',
      url: `/api/projects/${projectId}/chat/threads/${threadId}/turns`,
      token: owner.token,
    });
    expect(turns.json()).toEqual([]);
  });

  it('review mode holds the changes as a proposal: accepted files land, rejected ones never do', async () => {
    const projectId = await project();
    const setReview = (agentReview: boolean) =>
      server.request({
        method: 'PUT',
        url: '/api/auth/preferences',
        token: owner.token,
        body: { agentReview },
      });
    expect((await setReview(true)).statusCode).toBe(200);
    // The setting is the owner's, shared with the other cases: put back even when this one fails.
    onTestFinished(async () => void (await setReview(false)));
    const appBefore = (await readFile(projectId, 'src/app.ts')).body;
    fake.script([
      reply([
        toolUse('write_file', { path: './src/auth.ts', content: 'export const requireUser = true;\n' }),
        toolUse('edit_file', {
          path: 'src/app.ts',
          oldText: helloRoute,
          newText: `// guarded\n  ${helloRoute}`,
        }),
      ]),
      // The model's own reads and searches see its proposal.
      reply([toolUse('read_file', { path: 'src/auth.ts' }), toolUse('search', { pattern: 'guarded' })]),
      reply([text('Proposed an auth module and marked the routes.')]),
    ]);
    const { turnId } = await ask(projectId, 'Add authentication, for review');
    const turn = await finished(projectId, turnId);
    expect(turn).toMatchObject({
      status: 'done',
      checkpointId: null,
      changedFiles: ['src/auth.ts', 'src/app.ts'],
      review: {
        files: [
          { path: 'src/auth.ts', status: 'pending' },
          { path: 'src/app.ts', status: 'pending' },
        ],
      },
    });
    expect(turn.toolCalls.map((call) => call.isError)).toEqual([false, false, false, false]);
    expect(turn.toolCalls[2]!.output).toContain('requireUser');
    expect(turn.toolCalls[3]!.output).toContain('src/app.ts');
    expect(turn.fileDiffs.find((file) => file.path === 'src/app.ts')?.diff).toContain('+  // guarded');
    expect(JSON.stringify(fake.requests.at(-3)!.body.system)).toContain('Review mode is on');
    // Nothing on disk yet.
    expect((await readFile(projectId, 'src/auth.ts')).statusCode).toBe(404);
    expect((await readFile(projectId, 'src/app.ts')).body).toBe(appBefore);
    expect(events.some((event) => event.turnId === turnId && event.event.type === 'review')).toBe(true);

    const decide = (body: unknown, token = owner.token) =>
      server.request({
        method: 'POST',
        url: `/api/projects/${projectId}/chat/turns/${turnId}/review`,
        token,
        body,
      });
    const reader = await server.userWithToken('review-reader@example.com');
    await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/members`,
      token: owner.token,
      body: { email: 'review-reader@example.com', permission: 'read' },
    });
    expect((await decide({ decision: 'accept' }, reader.token)).statusCode).toBe(403);
    expect((await readFile(projectId, 'src/auth.ts')).statusCode).toBe(404);

    const accepted = await decide({ decision: 'accept', paths: ['src/auth.ts'] });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json<Turn>().review?.files).toEqual([
      { path: 'src/auth.ts', status: 'accepted' },
      { path: 'src/app.ts', status: 'pending' },
    ]);
    expect(accepted.json<Turn>().checkpointId).not.toBeNull();
    expect((await readFile(projectId, 'src/auth.ts')).body).toBe('export const requireUser = true;\n');

    const rejected = await decide({ decision: 'reject' });
    expect(rejected.json<Turn>().review?.files[1]).toEqual({ path: 'src/app.ts', status: 'rejected' });
    expect((await readFile(projectId, 'src/app.ts')).body).toBe(appBefore);
    const again = await decide({ decision: 'accept', paths: ['src/app.ts'] });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ error: { message: string } }>().error.message).toContain('already rejected');
    expect((await decide({ decision: 'accept', paths: ['src/other.ts'] })).statusCode).toBe(400);

    // A proposal for a file that changed on disk meanwhile is not written over the change.
    fake.script([
      reply([
        toolUse('edit_file', { path: 'src/app.ts', oldText: helloRoute, newText: `// v2\n  ${helloRoute}` }),
      ]),
      reply([text('Marked it again.')]),
    ]);
    const second = await ask(projectId, 'Mark the route');
    await finished(projectId, second.turnId);
    await server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/files/src/app.ts`,
      token: owner.token,
      headers: { 'content-type': 'text/plain' },
      body: 'edited by hand\n',
    });
    const conflict = await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/chat/turns/${second.turnId}/review`,
      token: owner.token,
      body: { decision: 'accept' },
    });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json<{ error: { message: string } }>().error.message).toContain('src/app.ts');
    expect((await readFile(projectId, 'src/app.ts')).body).toBe('edited by hand\n');

    // Rewinding the first turn undoes what was accepted from it.
    const rewound = await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/chat/turns/${turnId}/rewind`,
      token: owner.token,
    });
    expect(rewound.statusCode, rewound.body).toBe(200);
    expect((await readFile(projectId, 'src/auth.ts')).statusCode).toBe(404);
  });

  it('tells the model when an edit matches twice, and lands its retry with more context', async () => {
    const projectId = await project();
    await server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/files/src/twice.ts`,
      token: owner.token,
      headers: { 'content-type': 'text/plain' },
      body: 'const a = 1;\nlog(a);\nconst b = 2;\nlog(a);\n',
    });
    fake.script([
      reply([toolUse('edit_file', { path: 'src/twice.ts', oldText: 'log(a);', newText: 'log(b);' })]),
      reply([
        toolUse('edit_file', {
          path: 'src/twice.ts',
          oldText: 'const b = 2;\nlog(a);',
          newText: 'const b = 2;\nlog(b);',
        }),
      ]),
      reply([text('Fixed the second log.')]),
    ]);
    const { turnId } = await ask(projectId, 'The second log should print b');
    const turn = await finished(projectId, turnId);
    expect(turn.status).toBe('done');
    expect(turn.toolCalls.map((call) => call.isError)).toEqual([true, false]);
    expect(turn.toolCalls[0]!.output).toMatch(/2 (places|matches)|lines? 2\b.*4\b/);
    expect((await readFile(projectId, 'src/twice.ts')).body).toBe(
      'const a = 1;\nlog(a);\nconst b = 2;\nlog(b);\n',
    );
  });

  it('acts with the asking member’s rights: a reader’s turn cannot write', async () => {
    const projectId = await project();
    const reader = await server.userWithToken('reader@example.com');
    await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/members`,
      token: owner.token,
      body: { email: 'reader@example.com', permission: 'read' },
    });
    fake.script([
      reply([toolUse('write_file', { path: 'planted.txt', content: 'x' })]),
      reply([text('I could not write the file.')]),
    ]);
    const { turnId } = await ask(projectId, 'Create planted.txt', reader.token);
    const turn = await finished(projectId, turnId);
    expect(turn.toolCalls[0]).toMatchObject({ name: 'write_file', isError: true });
    expect(turn.toolCalls[0]!.output).toMatch(/read/);
    expect((await readFile(projectId, 'planted.txt')).statusCode).toBe(404);
  });

  it('stops a turn that has used its model calls, and says why', async () => {
    const projectId = await project();
    fake.script([
      reply([toolUse('list_files', {})]),
      reply([toolUse('list_files', { path: 'src' })]),
      reply([toolUse('list_files', { path: 'public' })]),
    ]);
    const { turnId } = await ask(projectId, 'Look around forever');
    const turn = await finished(projectId, turnId);
    expect(turn).toMatchObject({ status: 'failed', error: expect.stringMatching(/3 model calls/) });
    expect(turn.toolCalls).toHaveLength(3);
  });

  it('retries an overloaded API and carries on', async () => {
    const projectId = await project();
    fake.script([overloaded(), reply([text('Done after a retry.')])]);
    const turn = await finished(projectId, (await ask(projectId, 'Say something')).turnId);
    expect(turn).toMatchObject({ status: 'done', text: 'Done after a retry.' });
  });

  it('stops mid-stream when cancelled, writing nothing', async () => {
    const projectId = await project();
    fake.script([
      reply(
        [
          text('Thinking about it at length before writing anything at all.'),
          toolUse('write_file', { path: 'late.txt', content: 'x' }),
        ],
        {
          delayMs: 150,
        },
      ),
    ]);
    const { turnId } = await ask(projectId, 'Write late.txt slowly');
    for (let attempt = 0; attempt < 100 && !events.some((event) => event.turnId === turnId); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cancelled = await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/chat/turns/${turnId}/cancel`,
      token: owner.token,
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json<Turn>().status).toBe('cancelled');
    expect((await readFile(projectId, 'late.txt')).statusCode).toBe(404);
    // The SDK's connection was closed, not left to stream into the void.
    await expect.poll(() => fake.requests.at(-1)?.clientClosedEarly, { timeout: 2_000 }).toBe(true);
  });

  it('reads the page errors the IDE relayed from the preview', async () => {
    const projectId = await project();
    const relayed = await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/preview-reports`,
      token: owner.token,
      body: [
        {
          source: 'vaporform-preview',
          kind: 'error',
          message: 'TypeError: x is undefined',
          url: '/',
          line: 12,
          at: 1,
        },
      ],
    });
    expect(relayed.statusCode, relayed.body).toBe(204);
    fake.script([reply([toolUse('read_logs', {})]), reply([text('The page fails on line 12.')])]);
    const turn = await finished(projectId, (await ask(projectId, 'Why is my page blank?')).turnId);
    expect(turn.toolCalls[0]).toMatchObject({ name: 'read_logs', isError: false });
    expect(turn.toolCalls[0]!.output).toContain('[error] TypeError: x is undefined (/:12)');
  });

  it('answers one turn at a time per project', async () => {
    const projectId = await project();
    fake.script([reply([text('Slow answer, word by word.')], { delayMs: 100 })]);
    const first = await ask(projectId, 'First');
    const second = await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/chat`,
      token: owner.token,
      body: { message: 'Second' },
    });
    expect(second.statusCode).toBe(409);
    await finished(projectId, first.turnId);
  });
});

describe('agent limits', () => {
  let fake: FakeAnthropicServer;
  let server: TestServer;

  beforeAll(async () => {
    fake = await FakeAnthropicServer.start();
    server = await startTestServer(await testDatabaseKinds()[0]!.open(), {
      env: {
        ANTHROPIC_BASE_URL: fake.url,
        ANTHROPIC_API_KEY: 'sk-test-key',
        VAPORFORM_AGENT_USER_DAILY_USD: '1',
        VAPORFORM_AGENT_CONTEXT_TOKENS: '8000',
        VAPORFORM_AGENT_MAX_TOKENS: '1000',
        VAPORFORM_AUTOSTART: 'false',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('compacts a long thread so no request overruns the context window', async () => {
    const { token } = await server.userWithToken('talker@example.com');
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token,
      body: { name: 'Long thread', templateId: 'node-express' },
    });
    const projectId = created.json<{ id: string }>().id;
    let threadId: string | undefined;
    const from = fake.requests.length;
    for (let index = 1; index <= 4; index += 1) {
      fake.script([
        reply([
          toolUse('write_file', { path: `notes/big${index}.txt`, content: `line ${index}\n`.repeat(1500) }),
        ]),
        reply([text(`Wrote notes/big${index}.txt`)]),
      ]);
      const ids = await startTurn(server, projectId, token, `Write note ${index}`, threadId);
      threadId = ids.threadId;
      expect((await waitForTurn(server, projectId, ids.turnId, token)).status).toBe('done');
    }
    const requests = fake.requests.slice(from);
    expect(requests).toHaveLength(8);
    // Roughly 3.5 characters a token: every request, with room for the answer, stayed inside 8000 tokens.
    for (const request of requests) {
      const size = JSON.stringify([request.body.system, request.body.tools, request.body.messages]).length;
      expect(size / 3.5 + 1000).toBeLessThanOrEqual(8000);
    }
    const last = JSON.stringify(requests.at(-1)!.body.messages);
    expect(last).toContain('Earlier in this conversation');
    expect(last).toContain('Write note 1');
    expect(last).toContain('Write note 4');
    // The files themselves were written whole; only what the model is re-sent is cut.
    const note = await server.request({
      method: 'GET',
      url: `/api/projects/${projectId}/files/notes/big1.txt`,
      token,
    });
    expect(note.body).toBe('line 1\n'.repeat(1500));
  });

  it('stops a turn cleanly when it spends the rest of the daily budget, and refuses the next one', async () => {
    const { token } = await server.userWithToken('spender@example.com');
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token,
      body: { name: 'Budget', templateId: 'node-express' },
    });
    const projectId = created.json<{ id: string }>().id;
    // A million input tokens: $2 at the default model's list price, over the $1 budget.
    fake.script([
      reply([text('This will be costly.'), toolUse('list_files', {})], {
        usage: { input_tokens: 1_000_000 },
      }),
    ]);
    const { turnId } = await startTurn(server, projectId, token, 'Do something big');
    const turn = await waitForTurn(server, projectId, turnId, token);
    expect(turn).toMatchObject({ status: 'failed', error: expect.stringMatching(/budget/) });
    expect(turn.usage.costUsd).toBeGreaterThanOrEqual(1);
    expect(turn.toolCalls).toEqual([]);

    const refused = await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/chat`,
      token,
      body: { message: 'Once more' },
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({
      error: { code: 'rate_limited', message: expect.stringMatching(/budget/) },
    });
  });
});
