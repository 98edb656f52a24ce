import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  completion,
  failure,
  FakeOpenAiServer,
  rateLimited,
  serverError,
  textPart,
  toolCall,
} from '../../../../../../tests/fakes/openAiCompatibleServer.js';
import { AppError } from '../../../platform/errors/AppError.js';
import { rejection } from '../../../testing/rejection.js';
import type { LlmRequest, LlmStreamEvent, LlmToolSpec } from './llmProvider.js';
import { OpenAiProvider } from './openAiProvider.js';
import { llmRequest, readFileSpec } from './testing/llmRequest.js';

const key = 'sk-proj-test-0123456789abcdef';

const tools: LlmToolSpec[] = [
  readFileSpec,
  {
    name: 'run_command',
    description: 'Run a command',
    inputSchema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  },
];

const request = (overrides: Partial<LlmRequest> = {}) =>
  llmRequest('Fix the build', { tools, maxTokens: 2048, ...overrides });

describe('OpenAiProvider against a fake OpenAI-compatible server', () => {
  let fake: FakeOpenAiServer;
  let provider: OpenAiProvider;

  beforeEach(async () => {
    fake = await FakeOpenAiServer.start({ apiKey: key });
    provider = new OpenAiProvider({
      apiKey: key,
      baseUrl: fake.baseUrl,
      model: 'qwen2.5-coder:7b',
      maxRetries: 2,
    });
  });

  afterEach(async () => {
    await fake.close();
  });

  it('streams text in order and takes usage from the final chunk', async () => {
    fake.script([
      completion([textPart('The build is fixed.', ['The', ' build', ' is fi', 'xed.'])], {
        usage: { prompt_tokens: 120, completion_tokens: 9, cached_tokens: 100 },
      }),
    ]);
    const events: LlmStreamEvent[] = [];
    const response = await provider.complete(request(), (event) => events.push(event));
    expect(events).toEqual([
      { type: 'text', delta: 'The' },
      { type: 'text', delta: ' build' },
      { type: 'text', delta: ' is fi' },
      { type: 'text', delta: 'xed.' },
    ]);
    expect(response).toEqual({
      content: [{ type: 'text', text: 'The build is fixed.' }],
      stopReason: 'end_turn',
      usage: { inputTokens: 20, outputTokens: 9, cacheReadTokens: 100, cacheWriteTokens: 0 },
    });
    const body = fake.requests[0]!.body;
    expect(body.model).toBe('qwen2.5-coder:7b');
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.max_tokens).toBe(2048);
    expect(body.messages[0]).toEqual({ role: 'system', content: 'You are the Vaporform agent.' });
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: { name: 'read_file', description: 'Read a file', parameters: tools[0]!.inputSchema },
      },
      {
        type: 'function',
        function: { name: 'run_command', description: 'Run a command', parameters: tools[1]!.inputSchema },
      },
    ]);
  });

  it('reassembles streamed tool call arguments, two calls in parallel', async () => {
    const command = { command: 'npm run build -- --filter "web" && echo \\"done\\"\n' };
    fake.script([
      completion([
        textPart('Let me look.'),
        toolCall('read_file', { path: 'src/app/page.tsx' }, { id: 'call_a' }),
        toolCall('run_command', command, {
          id: 'call_b',
          chunks: [
            '{"comm',
            'and": "npm run build -- --filter \\',
            '"web\\" && echo \\\\\\"done\\\\\\"\\',
            'n"}',
          ],
        }),
      ]),
    ]);
    const events: LlmStreamEvent[] = [];
    const response = await provider.complete(request(), (event) => events.push(event));
    expect(events.filter((event) => event.type === 'tool_use_start')).toEqual([
      { type: 'tool_use_start', id: 'call_a', name: 'read_file' },
      { type: 'tool_use_start', id: 'call_b', name: 'run_command' },
    ]);
    expect(response.stopReason).toBe('tool_use');
    expect(response.content).toEqual([
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'call_a', name: 'read_file', input: { path: 'src/app/page.tsx' } },
      { type: 'tool_use', id: 'call_b', name: 'run_command', input: command },
    ]);
  });

  it('sends tool calls back as assistant tool_calls and tool results as role "tool" messages', async () => {
    fake.script([completion([textPart('Done.')])]);
    await provider.complete(
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Fix the build' }] },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Checking two things.' },
              { type: 'tool_use', id: 'call_1', name: 'read_file', input: { path: 'package.json' } },
              { type: 'tool_use', id: 'call_2', name: 'run_command', input: { command: 'npm test' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', toolUseId: 'call_1', content: '{"name":"app"}', isError: false },
              { type: 'tool_result', toolUseId: 'call_2', content: 'exit code 1', isError: true },
              { type: 'text', text: 'Also keep the tests green.' },
            ],
          },
        ],
      }),
      () => {},
    );
    expect(fake.requests[0]!.body.messages).toEqual([
      { role: 'system', content: 'You are the Vaporform agent.' },
      { role: 'user', content: 'Fix the build' },
      {
        role: 'assistant',
        content: 'Checking two things.',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'read_file', arguments: '{"path":"package.json"}' },
          },
          {
            id: 'call_2',
            type: 'function',
            function: { name: 'run_command', arguments: '{"command":"npm test"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"name":"app"}' },
      { role: 'tool', tool_call_id: 'call_2', content: 'Error: exit code 1' },
      { role: 'user', content: 'Also keep the tests green.' },
    ]);
  });

  it('runs arguments that do not parse as {}, and drops a call cut off by the token limit', async () => {
    fake.script([
      completion([toolCall('read_file', '{"path": src/a.ts}', { id: 'call_bad' })]),
      completion([textPart('Writing'), toolCall('run_command', '{"command": "np', { id: 'call_cut' })], {
        finishReason: 'length',
      }),
    ]);
    const bad = await provider.complete(request(), () => {});
    expect(bad.content).toEqual([{ type: 'tool_use', id: 'call_bad', name: 'read_file', input: {} }]);
    const cut = await provider.complete(request(), () => {});
    expect(cut.stopReason).toBe('max_tokens');
    expect(cut.content).toEqual([{ type: 'text', text: 'Writing' }]);
  });

  it('retries a 500 and then succeeds', async () => {
    fake.script([serverError(), completion([textPart('ok')])]);
    const response = await provider.complete(request(), () => {});
    expect(response.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(fake.requests).toHaveLength(2);
  });

  it('turns a refused key into unauthenticated without the key, even when the server quotes it', async () => {
    const wrongKey = 'sk-proj-wrong-key-never-to-be-shown';
    const wrong = new OpenAiProvider({ apiKey: wrongKey, baseUrl: fake.baseUrl, model: 'm' });
    const error = await rejection(wrong.complete(request(), () => {}));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unauthenticated');
    expect((error as AppError).message).toMatch(/refused the API key/);
    expect((error as AppError).message).not.toContain(wrongKey);
    expect(fake.requests).toHaveLength(1);
  });

  it('maps 429 to rate_limited and 404 (unknown model) to bad_request with the server message', async () => {
    const once = new OpenAiProvider({ apiKey: key, baseUrl: fake.baseUrl, model: 'm', maxRetries: 0 });
    fake.script([
      rateLimited(30),
      failure(404, 'model "m" not found, try pulling it first', { errorType: 'api_error' }),
    ]);
    expect(((await rejection(once.complete(request(), () => {}))) as AppError).code).toBe('rate_limited');
    const missing = (await rejection(once.complete(request(), () => {}))) as AppError;
    expect(missing.code).toBe('bad_request');
    expect(missing.message).toContain('model "m" not found');
  });

  it('rejects with unavailable on an error mid-stream', async () => {
    fake.script([completion([textPart('partial answer here')], { errorAfterChunks: { count: 2 } })]);
    const events: LlmStreamEvent[] = [];
    const error = await rejection(provider.complete(request(), (event) => events.push(event)));
    expect(events).toHaveLength(2);
    expect((error as AppError).code).toBe('unavailable');
  });

  it('stops promptly on abort mid-stream with an AbortError and closes the connection', async () => {
    fake.script([completion([textPart('one two three four')], { hangAfterChunks: 1 })]);
    const controller = new AbortController();
    let abortedAt = 0;
    const error = await rejection(
      provider.complete(request({ signal: controller.signal }), () => {
        if (abortedAt === 0) {
          abortedAt = Date.now();
          controller.abort();
        }
      }),
    );
    expect(error).not.toBeInstanceOf(AppError);
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    await fake.requests[0]!.closed;
    expect(fake.requests[0]!.clientClosedEarly).toBe(true);
  });

  it('rethrows an exception of onEvent unchanged', async () => {
    fake.script([completion([textPart('one two three')])]);
    const boom = new Error('listener failed');
    const error = await rejection(
      provider.complete(request(), () => {
        throw boom;
      }),
    );
    expect(error).toBe(boom);
  });

  it('sends no Authorization header without a key (Ollama)', async () => {
    const open = await FakeOpenAiServer.start();
    try {
      const keyless = new OpenAiProvider({ baseUrl: open.baseUrl, model: 'llama3.1' });
      open.script([completion([textPart('hi')])]);
      await keyless.complete(request(), () => {});
      expect(open.requests[0]!.headers.authorization).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it('gives a tool call without an id one, so its result can be paired', async () => {
    fake.script([completion([toolCall('read_file', { path: 'a' }, { id: '' })])]);
    const response = await provider.complete(request(), () => {});
    const call = response.content[0];
    expect(call?.type).toBe('tool_use');
    expect(call?.type === 'tool_use' && call.id).toMatch(/^call_/);
  });
});

describe('OpenAI prices', () => {
  const usage = {
    inputTokens: 1_000_000,
    outputTokens: 1_000_000,
    cacheReadTokens: 1_000_000,
    cacheWriteTokens: 0,
  };

  it('prices known OpenAI models on OpenAI only', () => {
    expect(new OpenAiProvider({ apiKey: 'k', model: 'gpt-4.1' }).costOf(usage)).toBeCloseTo(2 + 8 + 0.5);
    expect(new OpenAiProvider({ apiKey: 'k', model: 'gpt-4o-2024-11-20' }).costOf(usage)).toBeCloseTo(
      2.5 + 10 + 1.25,
    );
    expect(new OpenAiProvider({ baseUrl: 'http://localhost:11434/v1', model: 'gpt-4.1' }).costOf(usage)).toBe(
      0,
    );
    expect(new OpenAiProvider({ apiKey: 'k', model: 'some-new-model' }).costOf(usage)).toBe(0);
  });
});
