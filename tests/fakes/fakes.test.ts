import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAnthropicServer, reply, text, toolUse } from './anthropicMessagesServer.js';
import { completion, FakeOpenAiServer, textPart, toolCall } from './openAiCompatibleServer.js';

/** The wire format itself, read without an SDK: what the fakes promise to look like. */
function parseSse(raw: string): Array<{ event: string | null; data: string }> {
  return raw
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const lines = frame.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? null;
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6) ?? '';
      return { event, data };
    });
}

describe('fake Anthropic Messages API', () => {
  let fake: FakeAnthropicServer | undefined;
  afterEach(async () => {
    await fake?.close();
  });

  it('streams event:/data: frames in the API order, with pings and split tool JSON', async () => {
    fake = await FakeAnthropicServer.start();
    fake.script([reply([text('Hi there'), toolUse('read_file', { path: 'a\\b' }, { id: 'toolu_1' })])]);
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'm',
        max_tokens: 10,
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = parseSse(await response.text());
    for (const frame of frames) expect((JSON.parse(frame.data) as { type: string }).type).toBe(frame.event);
    const order = frames.map((frame) => frame.event).filter((event) => event !== 'ping');
    expect(order[0]).toBe('message_start');
    expect(order.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(frames.some((frame) => frame.event === 'ping')).toBe(true);
    const json = frames
      .map((frame) => JSON.parse(frame.data) as { delta?: { type: string; partial_json?: string } })
      .filter((event) => event.delta?.type === 'input_json_delta')
      .map((event) => event.delta!.partial_json!);
    expect(json.length).toBeGreaterThan(2);
    expect(json.join('')).toBe('{"path":"a\\\\b"}');
  });

  it('answers without streaming as JSON the SDK reads', async () => {
    fake = await FakeAnthropicServer.start();
    fake.script([reply([text('Plain'), toolUse('read_file', { path: 'x' }, { id: 'toolu_2' })])]);
    const client = new Anthropic({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const message = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(message.content).toEqual([
      { type: 'text', text: 'Plain' },
      { type: 'tool_use', id: 'toolu_2', name: 'read_file', input: { path: 'x' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(fake.requests[0]!.body.stream).toBeUndefined();
  });
});

describe('fake OpenAI-compatible server', () => {
  let fake: FakeOpenAiServer | undefined;
  afterEach(async () => {
    await fake?.close();
  });

  it('streams data: chunks, a usage chunk without choices, then [DONE]', async () => {
    fake = await FakeOpenAiServer.start();
    fake.script([completion([textPart('Hi'), toolCall('f', { a: 1 }, { id: 'call_1' })])]);
    const response = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'm',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    const frames = parseSse(await response.text());
    expect(frames.every((frame) => frame.event === null)).toBe(true);
    expect(frames.at(-1)!.data).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map(
      (frame) =>
        JSON.parse(frame.data) as {
          choices: Array<{
            finish_reason: string | null;
            delta: { tool_calls?: Array<{ function?: { arguments?: string } }> };
          }>;
          usage: unknown;
        },
    );
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 5 });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
    const args = chunks
      .flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
      .map((call) => call.function?.arguments ?? '');
    expect(args.filter((piece) => piece !== '').length).toBeGreaterThan(1);
    expect(args.join('')).toBe('{"a":1}');
  });

  it('answers without streaming as a chat.completion object', async () => {
    fake = await FakeOpenAiServer.start();
    fake.script([completion([textPart('Plain')])]);
    const response = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(await response.json()).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'Plain' }, finish_reason: 'stop' }],
    });
  });
});
