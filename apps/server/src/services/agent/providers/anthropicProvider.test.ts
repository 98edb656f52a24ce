import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeAnthropicServer,
  failure,
  overloaded,
  rateLimited,
  reply,
  text,
  toolUse,
} from '../../../../../../tests/fakes/anthropicMessagesServer.js';
import { AppError } from '../../../platform/errors/AppError.js';
import { rejection } from '../../../testing/rejection.js';
import { AnthropicProvider, anthropicPrice, defaultAnthropicModel } from './anthropicProvider.js';
import type { LlmRequest, LlmStreamEvent, LlmToolSpec } from './llmProvider.js';
import { llmRequest, readFileSpec } from './testing/llmRequest.js';

const key = 'sk-ant-test-0123456789abcdef';

const tools: LlmToolSpec[] = [
  readFileSpec,
  {
    name: 'write_file',
    description: 'Write a file',
    inputSchema: {
      type: 'object',
      properties: { path: { type: 'string' }, content: { type: 'string' } },
      required: ['path', 'content'],
    },
  },
];

const request = (overrides: Partial<LlmRequest> = {}) =>
  llmRequest('Add a login page', { tools, maxTokens: 1024, ...overrides });

describe('AnthropicProvider against the fake Messages API', () => {
  let fake: FakeAnthropicServer;
  let provider: AnthropicProvider;

  beforeEach(async () => {
    fake = await FakeAnthropicServer.start({ apiKey: key });
    provider = new AnthropicProvider({ apiKey: key, baseUrl: fake.url, maxRetries: 2 });
  });

  afterEach(async () => {
    await fake.close();
  });

  it('streams text deltas in order, before the response has finished', async () => {
    fake.script([reply([text('Hello there, world!', ['Hel', 'lo there', ', wor', 'ld!'])], { delayMs: 15 })]);
    const events: LlmStreamEvent[] = [];
    let completeAtFirstDelta: boolean | undefined;
    const response = await provider.complete(request(), (event) => {
      completeAtFirstDelta ??= fake.requests[0]!.responseComplete;
      events.push(event);
    });
    expect(events).toEqual([
      { type: 'text', delta: 'Hel' },
      { type: 'text', delta: 'lo there' },
      { type: 'text', delta: ', wor' },
      { type: 'text', delta: 'ld!' },
    ]);
    expect(completeAtFirstDelta).toBe(false);
    expect(response.content).toEqual([{ type: 'text', text: 'Hello there, world!' }]);
    expect(response.stopReason).toBe('end_turn');
    expect(fake.requests[0]!.body.stream).toBe(true);
    expect(fake.requests[0]!.body.model).toBe(defaultAnthropicModel);
    expect(fake.requests[0]!.body.max_tokens).toBe(1024);
  });

  it('reassembles tool input whose JSON arrives split mid-string and mid-escape', async () => {
    const input = {
      path: 'src/pages/"login".tsx',
      content: 'line 1\nline 2\t"quoted" \\ back\\slash é ü 😀 \u2028 </script>',
      options: { overwrite: true, mode: 420, ratio: 1.5e-3, tags: ['a', null, ''] },
    };
    const json = JSON.stringify(input);
    // Explicit cuts: inside a key, right after a backslash, inside a \uXXXX-free multi-byte run, mid-number.
    const cuts = [
      3,
      json.indexOf('\\n') + 1,
      json.indexOf('\\"') + 1,
      json.indexOf('é') + 1,
      json.indexOf('e-3') + 1,
    ];
    const jsonChunks: string[] = [];
    let start = 0;
    for (const cut of cuts.sort((a, b) => a - b)) {
      jsonChunks.push(json.slice(start, cut));
      start = cut;
    }
    jsonChunks.push(json.slice(start));
    expect(jsonChunks.join('')).toBe(json);

    fake.script([
      reply([
        text('Writing the page.'),
        toolUse('write_file', input, { id: 'toolu_explicit', jsonChunks }),
        // And the fake's own odd splitter (cuts after every backslash and quote).
        toolUse('read_file', { path: 'a\\b "c"\n' }, { id: 'toolu_default' }),
      ]),
    ]);
    const events: LlmStreamEvent[] = [];
    const response = await provider.complete(request(), (event) => events.push(event));
    expect(events.filter((event) => event.type === 'tool_use_start')).toEqual([
      { type: 'tool_use_start', id: 'toolu_explicit', name: 'write_file' },
      { type: 'tool_use_start', id: 'toolu_default', name: 'read_file' },
    ]);
    expect(response.stopReason).toBe('tool_use');
    expect(response.content).toEqual([
      { type: 'text', text: 'Writing the page.' },
      { type: 'tool_use', id: 'toolu_explicit', name: 'write_file', input },
      { type: 'tool_use', id: 'toolu_default', name: 'read_file', input: { path: 'a\\b "c"\n' } },
    ]);
  });

  it('marks the system prompt, the last tool and the last message for caching, and reports cache usage', async () => {
    fake.script([
      reply([text('First.')], {
        usage: {
          input_tokens: 12,
          output_tokens: 3,
          cache_creation_input_tokens: 2048,
          cache_read_input_tokens: 0,
        },
      }),
      reply([text('Second.')], {
        usage: {
          input_tokens: 30,
          output_tokens: 4,
          cache_creation_input_tokens: 25,
          cache_read_input_tokens: 2048,
        },
      }),
    ]);
    const first = await provider.complete(request(), () => {});
    expect(first.usage).toEqual({
      inputTokens: 12,
      outputTokens: 3,
      cacheReadTokens: 0,
      cacheWriteTokens: 2048,
    });

    const history = request({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Add a login page' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Reading it.' },
            { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.ts' } },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', toolUseId: 'toolu_1', content: 'no such file', isError: true }],
        },
      ],
    });
    const second = await provider.complete(history, () => {});
    expect(second.usage).toEqual({
      inputTokens: 30,
      outputTokens: 4,
      cacheReadTokens: 2048,
      cacheWriteTokens: 25,
    });

    const body = fake.requests[1]!.body;
    expect(body.system).toEqual([
      { type: 'text', text: 'You are the Vaporform agent.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.tools?.map((tool) => tool.cache_control)).toEqual([undefined, { type: 'ephemeral' }]);
    expect(body.tools?.[0]).toEqual({
      name: 'read_file',
      description: 'Read a file',
      input_schema: tools[0]!.inputSchema,
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Add a login page' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Reading it.' },
          { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.ts' } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_1',
            content: 'no such file',
            is_error: true,
            cache_control: { type: 'ephemeral' },
          },
        ],
      },
    ]);
    // The key travels as a credential header and nowhere else.
    const headers = fake.requests[1]!.headers;
    expect(headers['x-api-key'] ?? headers.authorization).toMatch(key);
    expect(JSON.stringify(body)).not.toContain(key);
  });

  it('retries an overloaded (529) answer and then succeeds', async () => {
    fake.script([overloaded(), reply([text('Made it.')])]);
    const response = await provider.complete(request(), () => {});
    expect(response.content).toEqual([{ type: 'text', text: 'Made it.' }]);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.headers['x-stainless-retry-count']).toBe('1');
  });

  it('gives up as unavailable when the API stays overloaded', async () => {
    const once = new AnthropicProvider({ apiKey: key, baseUrl: fake.url, maxRetries: 0 });
    fake.script([overloaded()]);
    const error = await rejection(once.complete(request(), () => {}));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unavailable');
    expect((error as AppError).message).toMatch(/overloaded/);
  });

  it('turns a refused key (401) into unauthenticated without the key in the message', async () => {
    const wrongKey = 'sk-ant-wrong-key-should-never-be-shown';
    const wrong = new AnthropicProvider({ apiKey: wrongKey, baseUrl: fake.url, maxRetries: 2 });
    const error = await rejection(wrong.complete(request(), () => {}));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unauthenticated');
    expect((error as AppError).message).toMatch(/refused the API key/);
    expect((error as AppError).message).not.toContain(wrongKey);
    expect(JSON.stringify(error)).not.toContain(wrongKey);
    expect(fake.requests).toHaveLength(1);
  });

  it('maps 429 (after retries) to rate_limited and 400 to bad_request with the API message', async () => {
    const once = new AnthropicProvider({ apiKey: key, baseUrl: fake.url, maxRetries: 0 });
    fake.script([
      rateLimited(30),
      failure(400, 'invalid_request_error', 'max_tokens: 999999 > 64000, the maximum'),
    ]);
    const limited = await rejection(once.complete(request(), () => {}));
    expect((limited as AppError).code).toBe('rate_limited');
    const bad = await rejection(once.complete(request(), () => {}));
    expect((bad as AppError).code).toBe('bad_request');
    expect((bad as AppError).message).toContain('max_tokens: 999999 > 64000, the maximum');
  });

  it('rejects a history the API would reject, with its message (tool_result without tool_use)', async () => {
    const broken = request({
      messages: [
        {
          role: 'user',
          content: [{ type: 'tool_result', toolUseId: 'toolu_x', content: 'x', isError: false }],
        },
      ],
    });
    const error = await rejection(provider.complete(broken, () => {}));
    expect((error as AppError).code).toBe('bad_request');
    expect((error as AppError).message).toMatch(/unexpected `tool_use_id`/);
  });

  it('rejects with unavailable on an `error` event mid-stream, after the deltas before it', async () => {
    fake.script([reply([text('This answer will not finish')], { errorAfterDeltas: { count: 2 } })]);
    const events: LlmStreamEvent[] = [];
    const error = await rejection(provider.complete(request(), (event) => events.push(event)));
    expect(events).toEqual([
      { type: 'text', delta: 'This' },
      { type: 'text', delta: ' answer' },
    ]);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unavailable');
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects with unavailable when the connection drops mid-stream', async () => {
    fake.script([reply([text('One two three four')], { dropAfterDeltas: 2 })]);
    const error = await rejection(provider.complete(request(), () => {}));
    expect((error as AppError).code).toBe('unavailable');
  });

  it('stops promptly on abort mid-stream, rejects with an AbortError, and closes the connection', async () => {
    fake.script([reply([text('Streaming forever and ever')], { hangAfterDeltas: 2 })]);
    const controller = new AbortController();
    const startedAt = Date.now();
    let abortedAt = 0;
    const error = await rejection(
      provider.complete(request({ signal: controller.signal }), () => {
        if (abortedAt === 0) {
          abortedAt = Date.now();
          setTimeout(() => controller.abort(), 20);
        }
      }),
    );
    expect(error).not.toBeInstanceOf(AppError);
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(Date.now() - startedAt).toBeLessThan(2000);
    await fake.requests[0]!.closed;
    expect(fake.requests[0]!.clientClosedEarly).toBe(true);
  });

  it('rejects with the caller’s abort reason while waiting to retry, and before sending', async () => {
    fake.script([overloaded(), reply([text('never')])]);
    const controller = new AbortController();
    const reason = new DOMException('turn cancelled', 'AbortError');
    // Abort once the first (overloaded) answer is in, i.e. while the SDK waits to retry: a fixed delay
    // would race with a slow first request on a busy machine.
    let abortedAt = Number.POSITIVE_INFINITY;
    const abortWhenAnswered = setInterval(() => {
      if (fake.requests.length === 1) {
        clearInterval(abortWhenAnswered);
        setTimeout(() => {
          abortedAt = Date.now();
          controller.abort(reason);
        }, 20);
      }
    }, 5);
    const error = await rejection(provider.complete(request({ signal: controller.signal }), () => {}));
    expect(error).toBe(reason);
    clearInterval(abortWhenAnswered);
    // It stopped waiting at the abort, not when the retry's backoff would have ended.
    expect(Date.now() - abortedAt).toBeLessThan(300);
    expect(fake.requests).toHaveLength(1);

    const before = await rejection(provider.complete(request({ signal: AbortSignal.abort() }), () => {}));
    expect((before as Error).name).toBe('AbortError');
    expect(fake.requests).toHaveLength(1);
  });

  it('rethrows an exception of onEvent unchanged and closes the stream', async () => {
    fake.script([reply([text('one two three four')], { hangAfterDeltas: 3 })]);
    const boom = new Error('listener failed');
    const error = await rejection(
      provider.complete(request(), () => {
        throw boom;
      }),
    );
    expect(error).toBe(boom);
    await fake.requests[0]!.closed;
    expect(fake.requests[0]!.clientClosedEarly).toBe(true);
  });

  it('gives up as unavailable on a stream that goes quiet', async () => {
    const impatient = new AnthropicProvider({ apiKey: key, baseUrl: fake.url, idleTimeoutMs: 200 });
    fake.script([reply([text('Then nothing')], { hangAfterDeltas: 1 })]);
    const error = await rejection(impatient.complete(request(), () => {}));
    expect((error as AppError).code).toBe('unavailable');
    expect((error as AppError).message).toMatch(/sent nothing/);
    await fake.requests[0]!.closed;
    expect(fake.requests[0]!.clientClosedEarly).toBe(true);
  });

  it('leaves out a tool call cut off by max_tokens', async () => {
    fake.script([
      reply(
        [
          text('Writing'),
          toolUse(
            'write_file',
            { path: 'a.ts', content: 'x' },
            { jsonChunks: ['{"path": "a', '.ts", "con'] },
          ),
        ],
        {
          stopReason: 'max_tokens',
        },
      ),
    ]);
    const response = await provider.complete(request(), () => {});
    expect(response.stopReason).toBe('max_tokens');
    expect(response.content).toEqual([{ type: 'text', text: 'Writing' }]);
  });

  it('omits empty text blocks and an empty system prompt, and sends no tools when there are none', async () => {
    fake.script([reply([text('ok')])]);
    await provider.complete(
      request({
        system: '',
        tools: [],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: '' },
              { type: 'text', text: 'hi' },
            ],
          },
        ],
      }),
      () => {},
    );
    const body = fake.requests[0]!.body;
    expect(body.system).toBeUndefined();
    expect(body.tools).toBeUndefined();
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] },
    ]);
  });

  it('sends no credential when no key is configured (a proxy or local fake)', async () => {
    const open = await FakeAnthropicServer.start();
    try {
      const keyless = new AnthropicProvider({ baseUrl: open.url });
      open.script([reply([text('ok')])]);
      await keyless.complete(request(), () => {});
      expect(open.requests[0]!.headers.authorization).toBeUndefined();
      expect(open.requests[0]!.headers['x-api-key']).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it('uses a default model the SDK does not warn about', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      fake.script([reply([text('ok')])]);
      await provider.complete(request(), () => {});
      expect(provider.model).toBe(defaultAnthropicModel);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('Anthropic prices', () => {
  it('prices usage by model, with cache writes and reads, and 0 for unknown models', () => {
    const usage = {
      inputTokens: 1_000_000,
      outputTokens: 1_000_000,
      cacheWriteTokens: 1_000_000,
      cacheReadTokens: 1_000_000,
    };
    expect(new AnthropicProvider({ apiKey: 'k', model: 'claude-sonnet-4-6' }).costOf(usage)).toBeCloseTo(
      3 + 15 + 3.75 + 0.3,
    );
    expect(
      new AnthropicProvider({ apiKey: 'k', model: 'claude-opus-4-1-20250805' }).costOf(usage),
    ).toBeCloseTo(15 + 75 + 18.75 + 1.5);
    expect(new AnthropicProvider({ apiKey: 'k', model: 'claude-haiku-4-5' }).costOf(usage)).toBeCloseTo(
      1 + 5 + 1.25 + 0.1,
    );
    expect(new AnthropicProvider({ apiKey: 'k', model: 'my-proxy-model' }).costOf(usage)).toBe(0);
    expect(anthropicPrice('claude-sonnet-4-5-20250929')).toEqual(anthropicPrice('claude-sonnet-4-5'));
    expect(anthropicPrice(defaultAnthropicModel)).toBeDefined();
  });
});
