import {
  sendJson,
  splitAtOddPlaces,
  splitWords,
  SseWriter,
  type Exchange,
  type RecordedRequest,
} from './fakeHttp.js';
import { ScriptedApiServer, type ApiDialect, type ScriptedApiOptions } from './scriptedApiServer.js';

/**
 * A fake of the Anthropic Messages API (`POST /v1/messages`), faithful to the wire format: JSON or SSE
 * (`message_start`, `content_block_*`, `input_json_delta` split at odd places, `ping`, `message_delta`,
 * `message_stop`, and `error` events), error bodies and statuses as the real API sends them. A test scripts the
 * responses in order and then asserts on `requests`.
 *
 *   const fake = await FakeAnthropicServer.start();
 *   fake.script([overloaded(), reply([text('Hi'), toolUse('read_file', { path: 'a.ts' })])]);
 *   new Anthropic({ apiKey: 'test', baseURL: fake.url });
 */

export interface ScriptedTextBlock {
  type: 'text';
  text: string;
  /** The `text_delta`s to send; default: word by word. Must join to `text`. */
  chunks?: string[];
}

export interface ScriptedToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
  /** The `input_json_delta`s to send; default: `JSON.stringify(input)` cut at odd places. */
  jsonChunks?: string[];
}

export type ScriptedBlock = ScriptedTextBlock | ScriptedToolUseBlock;

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface ScriptedMessage {
  type: 'message';
  content: ScriptedBlock[];
  /** Default: `tool_use` when the content has a tool call, else `end_turn`. */
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn';
  usage?: Partial<FakeUsage>;
  /** Default: the model the request asked for. */
  model?: string;
  /** Pause before each SSE frame (overrides the server's `delayMs`). */
  delayMs?: number;
  /** Streaming only: after this many `content_block_delta`s, send an `error` event and end the stream. */
  errorAfterDeltas?: { count: number; type?: string; message?: string };
  /** Streaming only: after this many `content_block_delta`s, stop sending and hold the connection open. */
  hangAfterDeltas?: number;
  /** Streaming only: after this many `content_block_delta`s, cut the connection. */
  dropAfterDeltas?: number;
}

export interface ScriptedFailure {
  type: 'failure';
  status: number;
  errorType: string;
  message: string;
  headers?: Record<string, string>;
}

export type ScriptedResponse = ScriptedMessage | ScriptedFailure;

/** The request body as sent (parsed JSON), typed for the fields tests look at. */
export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  stream?: boolean;
  system?: string | Array<{ type: 'text'; text: string; cache_control?: { type: string; ttl?: string } }>;
  tools?: Array<{
    name: string;
    description?: string;
    input_schema: Record<string, unknown>;
    cache_control?: { type: string; ttl?: string };
  }>;
  messages: Array<{
    role: 'user' | 'assistant';
    content: string | Array<{ type: string; cache_control?: { type: string }; [key: string]: unknown }>;
  }>;
  [key: string]: unknown;
}

export type RecordedMessagesRequest = RecordedRequest<MessagesRequestBody>;

// ---- builders -------------------------------------------------------------------------------------------

export function text(value: string, chunks?: string[]): ScriptedTextBlock {
  return chunks ? { type: 'text', text: value, chunks } : { type: 'text', text: value };
}

let toolIds = 0;
export function toolUse(
  name: string,
  input: Record<string, unknown>,
  options: { id?: string; jsonChunks?: string[] } = {},
): ScriptedToolUseBlock {
  toolIds += 1;
  const block: ScriptedToolUseBlock = {
    type: 'tool_use',
    id: options.id ?? `toolu_fake${String(toolIds).padStart(6, '0')}`,
    name,
    input,
  };
  if (options.jsonChunks) block.jsonChunks = options.jsonChunks;
  return block;
}

export function reply(
  content: ScriptedBlock[],
  options: Omit<ScriptedMessage, 'type' | 'content'> = {},
): ScriptedMessage {
  return { type: 'message', content, ...options };
}

export function failure(
  status: number,
  errorType: string,
  message: string,
  headers?: Record<string, string>,
): ScriptedFailure {
  return headers
    ? { type: 'failure', status, errorType, message, headers }
    : { type: 'failure', status, errorType, message };
}

/** HTTP 529, as the API answers when it is overloaded (the SDK retries it). */
export function overloaded(): ScriptedFailure {
  return failure(529, 'overloaded_error', 'Overloaded');
}

/** HTTP 429 with `retry-after` (seconds), as the API answers over a rate limit. */
export function rateLimited(retryAfterSeconds = 1): ScriptedFailure {
  return failure(
    429,
    'rate_limit_error',
    'This request would exceed the rate limit for your organization. Please try again later.',
    { 'retry-after': String(retryAfterSeconds) },
  );
}

/** HTTP 401, as for a wrong or revoked key. */
export function unauthorized(): ScriptedFailure {
  return failure(401, 'authentication_error', 'invalid x-api-key');
}

// ---- server ---------------------------------------------------------------------------------------------

export type FakeAnthropicOptions = ScriptedApiOptions;

export class FakeAnthropicServer extends ScriptedApiServer<
  MessagesRequestBody,
  ScriptedMessage,
  ScriptedFailure
> {
  private messageCount = 0;

  private constructor(options: FakeAnthropicOptions) {
    super(options, messagesApi);
  }

  static start(options: FakeAnthropicOptions = {}): Promise<FakeAnthropicServer> {
    return new FakeAnthropicServer(options).listen();
  }

  /** The base URL to give the SDK (`baseURL`) or `ANTHROPIC_BASE_URL`. */
  get url(): string {
    return this.origin;
  }

  protected async respond(
    exchange: Exchange<MessagesRequestBody>,
    scripted: ScriptedMessage,
    body: MessagesRequestBody,
  ): Promise<void> {
    this.messageCount += 1;
    const message = buildMessage(scripted, body, `msg_fake${String(this.messageCount).padStart(6, '0')}`);
    const requestId = requestIdOf(exchange.record);
    if (body.stream !== true) {
      return sendJson(exchange.res, 200, message, { 'request-id': requestId });
    }
    await streamMessage(exchange, scripted, message, requestId, this.delayOf(scripted));
  }
}

const messagesApi: ApiDialect<MessagesRequestBody> = {
  endpoint: '/v1/messages',
  name: 'anthropic',
  unparsableBody: 'There was an error parsing the body of your request.',
  notFound: () => ({ status: 404, errorType: 'not_found_error', message: 'Not Found' }),
  // The API takes the key as `x-api-key` or `Authorization: Bearer`.
  keyRefusal(req, apiKey) {
    const key = req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer /, '');
    return key === apiKey
      ? null
      : { status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' };
  },
  validate: validateRequest,
  sendError({ res, record }, { status, errorType, message, headers }) {
    const requestId = requestIdOf(record);
    sendJson(
      res,
      status,
      { type: 'error', error: { type: errorType, message }, request_id: requestId },
      { 'request-id': requestId, ...headers },
    );
  },
};

function requestIdOf(record: RecordedMessagesRequest): string {
  return `req_fake${String(record.index).padStart(6, '0')}`;
}

interface WireMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: Array<
    | { type: 'text'; text: string }
    | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  >;
  stop_reason: string;
  stop_sequence: null;
  usage: FakeUsage;
}

function buildMessage(scripted: ScriptedMessage, body: MessagesRequestBody, id: string): WireMessage {
  const hasToolUse = scripted.content.some((block) => block.type === 'tool_use');
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: scripted.model ?? body.model,
    content: scripted.content.map((block) =>
      block.type === 'text'
        ? { type: 'text', text: block.text }
        : { type: 'tool_use', id: block.id, name: block.name, input: block.input },
    ),
    stop_reason: scripted.stopReason ?? (hasToolUse ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: {
      input_tokens: 10,
      output_tokens: 5,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      ...scripted.usage,
    },
  };
}

async function streamMessage(
  exchange: Exchange<MessagesRequestBody>,
  scripted: ScriptedMessage,
  message: WireMessage,
  requestId: string,
  delayMs: number,
): Promise<void> {
  const sse = SseWriter.open(exchange, delayMs, { connection: 'keep-alive', 'request-id': requestId });
  const { usage } = message;
  const started = await sse.event('message_start', {
    type: 'message_start',
    message: {
      ...message,
      content: [],
      stop_reason: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  if (!started) return;
  if (!(await sse.event('ping', { type: 'ping' }))) return;

  let deltas = 0;
  /** Plays a scripted interruption due at this point; true when the stream must stop here. */
  const interrupt = async (): Promise<boolean> => {
    if (scripted.errorAfterDeltas && deltas === scripted.errorAfterDeltas.count) {
      await sse.event('error', {
        type: 'error',
        error: {
          type: scripted.errorAfterDeltas.type ?? 'overloaded_error',
          message: scripted.errorAfterDeltas.message ?? 'Overloaded',
        },
      });
      sse.end();
      return true;
    }
    if (scripted.hangAfterDeltas !== undefined && deltas === scripted.hangAfterDeltas) {
      await sse.hang();
      return true;
    }
    if (scripted.dropAfterDeltas !== undefined && deltas === scripted.dropAfterDeltas) {
      sse.drop();
      return true;
    }
    return false;
  };
  /** Sends one delta; false when the stream must stop here (client gone or a scripted interruption). */
  const delta = async (index: number, payload: Record<string, unknown>): Promise<boolean> => {
    if (await interrupt()) return false;
    deltas += 1;
    if (!(await sse.event('content_block_delta', { type: 'content_block_delta', index, delta: payload }))) {
      return false;
    }
    // The API interleaves pings; a client must skip them wherever they come.
    if (deltas % 3 === 0 && !(await sse.event('ping', { type: 'ping' }))) return false;
    return true;
  };

  for (const [index, block] of scripted.content.entries()) {
    const contentBlock =
      block.type === 'text'
        ? { type: 'text', text: '' }
        : { type: 'tool_use', id: block.id, name: block.name, input: {} };
    const opened = await sse.event('content_block_start', {
      type: 'content_block_start',
      index,
      content_block: contentBlock,
    });
    if (!opened) return;
    if (block.type === 'text') {
      for (const chunk of block.chunks ?? splitWords(block.text)) {
        if (!(await delta(index, { type: 'text_delta', text: chunk }))) return;
      }
    } else {
      // The API's first input_json_delta is often empty.
      const chunks = ['', ...(block.jsonChunks ?? splitAtOddPlaces(JSON.stringify(block.input)))];
      for (const chunk of chunks) {
        if (!(await delta(index, { type: 'input_json_delta', partial_json: chunk }))) return;
      }
    }
    if (!(await sse.event('content_block_stop', { type: 'content_block_stop', index }))) return;
  }
  // An interruption scripted after the last delta comes before message_delta.
  if (await interrupt()) return;
  const finished =
    (await sse.event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: null },
      usage,
    })) && (await sse.event('message_stop', { type: 'message_stop' }));
  if (finished) sse.end();
}

/** The checks of the real API that an agent loop can trip over, with its wording. */
function validateRequest(body: MessagesRequestBody): string | null {
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return 'messages: at least one message is required';
  let cacheControls = 0;
  const countCache = (value: { cache_control?: unknown }) => {
    if (value.cache_control) cacheControls += 1;
  };
  if (Array.isArray(body.system)) {
    for (const [i, block] of body.system.entries()) {
      if (block.type !== 'text' || typeof block.text !== 'string' || block.text === '') {
        return `system.${i}: text content blocks must be non-empty`;
      }
      countCache(block);
    }
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return 'tools: Input should be a valid list';
    const names = new Set<string>();
    for (const [i, tool] of body.tools.entries()) {
      if (!/^[a-zA-Z0-9_-]{1,128}$/.test(tool.name)) {
        return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      }
      if (names.has(tool.name)) return 'tools: Tool names must be unique.';
      names.add(tool.name);
      if (tool.input_schema?.type !== 'object')
        return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
      countCache(tool);
    }
  }
  for (const [i, message] of body.messages.entries()) {
    if (message.role !== 'user' && message.role !== 'assistant') {
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    }
    const isFinalAssistant = i === body.messages.length - 1 && message.role === 'assistant';
    if (typeof message.content === 'string') {
      if (message.content === '' && !isFinalAssistant) {
        return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
      }
      continue;
    }
    if (!Array.isArray(message.content)) return `messages.${i}.content: Input should be a valid list`;
    if (message.content.length === 0 && !isFinalAssistant) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    for (const [j, block] of message.content.entries()) {
      countCache(block);
      if (block.type === 'text' && (typeof block.text !== 'string' || block.text === '')) {
        return `messages.${i}.content.${j}.text: text content blocks must be non-empty`;
      }
      if (block.type === 'tool_use' && message.role !== 'assistant') {
        return `messages.${i}.content.${j}: tool_use blocks may only appear in assistant messages`;
      }
      if (block.type === 'tool_result' && message.role !== 'user') {
        return `messages.${i}.content.${j}: tool_result blocks may only appear in user messages`;
      }
    }
    // Every tool_use must be answered by a tool_result in the very next message, and vice versa.
    const toolUseIds = message.content
      .filter((block) => block.type === 'tool_use')
      .map((block) => String(block.id));
    if (message.role === 'assistant' && toolUseIds.length > 0) {
      const next = body.messages[i + 1];
      if (next) {
        const answered = new Set(
          Array.isArray(next.content)
            ? next.content
                .filter((block) => block.type === 'tool_result')
                .map((block) => String(block.tool_use_id))
            : [],
        );
        const missing = toolUseIds.filter((id) => !answered.has(id));
        if (missing.length > 0) {
          return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
        }
      }
    }
    if (message.role === 'user') {
      const resultIds = message.content
        .filter((block) => block.type === 'tool_result')
        .map((block) => String(block.tool_use_id));
      if (resultIds.length > 0) {
        const previous = body.messages[i - 1];
        const asked = new Set(
          previous && Array.isArray(previous.content)
            ? previous.content.filter((block) => block.type === 'tool_use').map((block) => String(block.id))
            : [],
        );
        const unexpected = resultIds.filter((id) => !asked.has(id));
        if (unexpected.length > 0) {
          return `messages.${i}.content.0: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
      }
    }
  }
  if (cacheControls > 4)
    return `A maximum of 4 blocks with cache_control may be provided. Found ${cacheControls}.`;
  return null;
}
