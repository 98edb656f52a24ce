import {
  sendJson,
  splitAtOddPlaces,
  splitWords,
  SseWriter,
  type Exchange,
  type RecordedRequest,
} from './fakeHttp.js';
import {
  ScriptedApiServer,
  type ApiDialect,
  type ScriptedApiOptions,
  type ScriptedError,
} from './scriptedApiServer.js';

/**
 * A fake OpenAI-compatible chat completions server (`POST /v1/chat/completions`), as OpenAI, Ollama, vLLM and LM
 * Studio speak it: with `stream: true`, `data: {chunk}` frames then `data: [DONE]`; tool calls streamed as
 * `delta.tool_calls` whose `arguments` arrive in pieces; `finish_reason` in the last choice chunk; usage in a
 * final chunk with no choices when `stream_options.include_usage` is set. Scripted like the Anthropic fake.
 *
 *   const fake = await FakeOpenAiServer.start();
 *   fake.script([completion([toolCall('read_file', { path: 'a.ts' })])]);
 *   new OpenAI({ apiKey: 'test', baseURL: fake.baseUrl });
 */

export interface ScriptedText {
  type: 'text';
  text: string;
  /** The `delta.content` pieces; default: word by word. */
  chunks?: string[];
}

export interface ScriptedToolCall {
  type: 'tool_call';
  id: string;
  name: string;
  /** The arguments JSON text exactly as sent (it may be invalid on purpose). */
  arguments: string;
  /** The `arguments` pieces; default: cut at odd places. */
  chunks?: string[];
}

export type ScriptedPart = ScriptedText | ScriptedToolCall;

export interface ScriptedCompletion {
  type: 'completion';
  content: ScriptedPart[];
  /** Default: `tool_calls` when there is a tool call, else `stop`. */
  finishReason?: 'stop' | 'tool_calls' | 'length' | 'content_filter';
  usage?: { prompt_tokens?: number; completion_tokens?: number; cached_tokens?: number };
  model?: string;
  delayMs?: number;
  /** Streaming only: after this many content chunks, send `data: {"error": …}` and end the stream. */
  errorAfterChunks?: { count: number; message?: string; type?: string };
  /** Streaming only: after this many content chunks, stop sending and hold the connection open. */
  hangAfterChunks?: number;
}

export type ScriptedFailure = ScriptedError;

export type ScriptedResponse = ScriptedCompletion | ScriptedFailure;

export interface ChatRequestMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content?: string | null | Array<{ type: string; text?: string }>;
  tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  [key: string]: unknown;
}

export interface ChatRequestBody {
  model: string;
  messages: ChatRequestMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: Array<{
    type: 'function';
    function: { name: string; description?: string; parameters?: Record<string, unknown> };
  }>;
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
}

export type RecordedChatRequest = RecordedRequest<ChatRequestBody>;

// ---- builders -------------------------------------------------------------------------------------------

export function textPart(value: string, chunks?: string[]): ScriptedText {
  return chunks ? { type: 'text', text: value, chunks } : { type: 'text', text: value };
}

let callIds = 0;
export function toolCall(
  name: string,
  args: Record<string, unknown> | string,
  options: { id?: string; chunks?: string[] } = {},
): ScriptedToolCall {
  callIds += 1;
  const call: ScriptedToolCall = {
    type: 'tool_call',
    id: options.id ?? `call_fake${String(callIds).padStart(6, '0')}`,
    name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
  };
  if (options.chunks) call.chunks = options.chunks;
  return call;
}

export function completion(
  content: ScriptedPart[],
  options: Omit<ScriptedCompletion, 'type' | 'content'> = {},
): ScriptedCompletion {
  return { type: 'completion', content, ...options };
}

export function failure(
  status: number,
  message: string,
  options: { errorType?: string; code?: string | null; headers?: Record<string, string> } = {},
): ScriptedFailure {
  return { type: 'failure', status, message, ...options };
}

export function rateLimited(retryAfterSeconds = 1): ScriptedFailure {
  return failure(429, 'Rate limit reached for requests. Please try again later.', {
    errorType: 'requests',
    code: 'rate_limit_exceeded',
    headers: { 'retry-after': String(retryAfterSeconds) },
  });
}

export function serverError(): ScriptedFailure {
  return failure(500, 'The server had an error while processing your request.', {
    errorType: 'server_error',
  });
}

// ---- server ---------------------------------------------------------------------------------------------

export type FakeOpenAiOptions = ScriptedApiOptions;

export class FakeOpenAiServer extends ScriptedApiServer<ChatRequestBody, ScriptedCompletion> {
  private completions = 0;

  private constructor(options: FakeOpenAiOptions) {
    super(options, chatCompletionsApi);
  }

  static start(options: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
    return new FakeOpenAiServer(options).listen();
  }

  /** `http://127.0.0.1:<port>/v1` — the SDK's `baseURL`, or `OPENAI_BASE_URL`. */
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  protected async respond(
    exchange: Exchange<ChatRequestBody>,
    scripted: ScriptedCompletion,
    body: ChatRequestBody,
  ): Promise<void> {
    const { res } = exchange;
    this.completions += 1;
    const id = `chatcmpl-fake${String(this.completions).padStart(6, '0')}`;
    const model = scripted.model ?? body.model;
    const hasToolCalls = scripted.content.some((part) => part.type === 'tool_call');
    const finishReason = scripted.finishReason ?? (hasToolCalls ? 'tool_calls' : 'stop');
    const promptTokens = scripted.usage?.prompt_tokens ?? 10;
    const completionTokens = scripted.usage?.completion_tokens ?? 5;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: scripted.usage?.cached_tokens ?? 0 },
    };
    const created = Math.floor(Date.now() / 1000);

    if (body.stream !== true) {
      const text = scripted.content
        .filter((part): part is ScriptedText => part.type === 'text')
        .map((part) => part.text)
        .join('');
      const calls = scripted.content.filter((part): part is ScriptedToolCall => part.type === 'tool_call');
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: text === '' ? null : text,
              refusal: null,
              ...(calls.length > 0
                ? {
                    tool_calls: calls.map((call) => ({
                      id: call.id,
                      type: 'function',
                      function: { name: call.name, arguments: call.arguments },
                    })),
                  }
                : {}),
            },
            logprobs: null,
            finish_reason: finishReason,
          },
        ],
        usage,
      });
    }

    const sse = SseWriter.open(exchange, this.delayOf(scripted));
    const includeUsage = body.stream_options?.include_usage === true;
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: null,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });

    let sent = 0;
    const send = async (delta: Record<string, unknown>): Promise<boolean> => {
      if (scripted.errorAfterChunks && sent === scripted.errorAfterChunks.count) {
        await sse.event(null, {
          error: {
            message:
              scripted.errorAfterChunks.message ?? 'The server had an error while processing your request.',
            type: scripted.errorAfterChunks.type ?? 'server_error',
            param: null,
            code: null,
          },
        });
        sse.end();
        return false;
      }
      if (scripted.hangAfterChunks !== undefined && sent === scripted.hangAfterChunks) {
        await sse.hang();
        return false;
      }
      sent += 1;
      return sse.event(null, chunk(delta));
    };

    if (!(await sse.event(null, chunk({ role: 'assistant', content: '', refusal: null })))) return;
    let toolIndex = 0;
    for (const part of scripted.content) {
      if (part.type === 'text') {
        for (const piece of part.chunks ?? splitWords(part.text)) {
          if (!(await send({ content: piece }))) return;
        }
        continue;
      }
      const index = toolIndex++;
      const opened = await send({
        tool_calls: [{ index, id: part.id, type: 'function', function: { name: part.name, arguments: '' } }],
      });
      if (!opened) return;
      for (const piece of part.chunks ?? splitAtOddPlaces(part.arguments)) {
        if (!(await send({ tool_calls: [{ index, function: { arguments: piece } }] }))) return;
      }
    }
    if (scripted.errorAfterChunks && sent === scripted.errorAfterChunks.count && !(await send({}))) return;
    if (!(await sse.event(null, chunk({}, finishReason)))) return;
    if (includeUsage) {
      const last = {
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        system_fingerprint: null,
        choices: [],
        usage,
      };
      if (!(await sse.event(null, last))) return;
    }
    if (await sse.event(null, '[DONE]')) sse.end();
  }
}

const chatCompletionsApi: ApiDialect<ChatRequestBody> = {
  endpoint: '/v1/chat/completions',
  name: 'openai',
  unparsableBody: 'We could not parse the JSON body of your request.',
  notFound: ({ req, record }) => ({ status: 404, message: `Invalid URL (${req.method} ${record.path})` }),
  // The key goes in `Authorization: Bearer`; like OpenAI, the 401 quotes the key that was sent (providers must
  // not pass it on).
  keyRefusal(req, apiKey) {
    const sent = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    return sent === apiKey
      ? null
      : { status: 401, message: `Incorrect API key provided: ${sent}.`, code: 'invalid_api_key' };
  },
  validate: validateRequest,
  sendError({ res }, { status, message, errorType, code, headers }) {
    sendJson(res, status, { error: { message, type: errorType, param: null, code: code ?? null } }, headers);
  },
};

/** The message-order checks of the real API, with its wording. */
function validateRequest(body: ChatRequestBody): string | null {
  if (typeof body.model !== 'string' || body.model === '') return 'you must provide a model parameter';
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.";
  }
  for (const [i, message] of body.messages.entries()) {
    if (message.role === 'tool') {
      // A tool message answers a tool call of the closest assistant message before it (tool messages between).
      let j = i - 1;
      while (j >= 0 && body.messages[j]?.role === 'tool') j -= 1;
      const asked = body.messages[j];
      const ids = new Set(
        (asked?.role === 'assistant' ? (asked.tool_calls ?? []) : []).map((call) => call.id),
      );
      if (!ids.has(String(message.tool_call_id))) {
        return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
      }
    }
    if (message.role === 'assistant' && message.tool_calls && message.tool_calls.length > 0) {
      const answered = new Set<string>();
      for (let j = i + 1; j < body.messages.length && body.messages[j]?.role === 'tool'; j++) {
        answered.add(String(body.messages[j]?.tool_call_id));
      }
      const missing = message.tool_calls.filter((call) => !answered.has(call.id)).map((call) => call.id);
      if (missing.length > 0) {
        return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${missing.join(', ')}`;
      }
    }
  }
  return null;
}
