import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { AppError } from '../../../platform/errors/AppError.js';
import type {
  LlmContent,
  LlmMessage,
  LlmProvider,
  LlmRequest,
  LlmResponse,
  LlmStreamEvent,
  LlmToolSpec,
  LlmUsage,
} from './llmProvider.js';
import {
  describeSdkError,
  emptyUsage,
  hostOf,
  parseToolInput,
  priceUsage,
  sdkClientOptions,
  streamResponse,
  type FailureContext,
  type ModelPrice,
  type ProviderOptions,
} from './providerSupport.js';

/**
 * The newest Sonnet this SDK knows. (`claude-sonnet-4-5` is on the SDK's deprecated list: it warns on every
 * request and reaches end-of-life on 2026-11-30.)
 */
export const defaultAnthropicModel = 'claude-sonnet-5-5';
export const defaultAnthropicBaseUrl = 'https://api.anthropic.com';

/**
 * Defaults: `baseUrl` https://api.anthropic.com (the SDK appends `/v1/messages`); 4 retries of 429, 529, 5xx and
 * connection failures (0.5 s doubling, max 8 s); `idleTimeoutMs` 5 minutes.
 */
export type AnthropicProviderOptions = ProviderOptions;

const ephemeral = { type: 'ephemeral' } as const;

/**
 * Claude through the official SDK: streaming, tool use, and prompt caching — the tools and the system prompt are
 * the stable prefix of every request in a turn, so both carry a cache breakpoint; a third breakpoint on the last
 * message lets each tool round read the conversation so far from the cache too.
 */
export class AnthropicProvider implements LlmProvider {
  readonly kind = 'anthropic' as const;
  readonly model: string;
  private readonly client: Anthropic;
  private readonly idleTimeoutMs: number;
  private readonly failureContext: FailureContext;

  constructor(options: AnthropicProviderOptions) {
    this.model = options.model ?? defaultAnthropicModel;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
    const baseURL = options.baseUrl ?? defaultAnthropicBaseUrl;
    this.client = new Anthropic(sdkClientOptions(options, baseURL));
    this.failureContext = {
      service: 'the Anthropic API',
      host: hostOf(baseURL),
      keyHint: 'ANTHROPIC_API_KEY or the Anthropic key in your settings',
      secret: options.apiKey,
    };
  }

  complete(request: LlmRequest, onEvent: (event: LlmStreamEvent) => void): Promise<LlmResponse> {
    return streamResponse(request, onEvent, {
      open: (signal) => this.client.messages.create(this.toParams(request), { signal }),
      reader: (emit) => new ResponseReader(emit),
      describe: (error) =>
        describeSdkError(
          error,
          { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError },
          (apiError) => ({ type: apiError.type, apiMessage: apiError.apiMessage }),
        ),
      failureContext: this.failureContext,
      idleTimeoutMs: this.idleTimeoutMs,
      stalledSubject: 'The Anthropic API',
    });
  }

  costOf(usage: LlmUsage): number {
    return priceUsage(usage, anthropicPrice(this.model));
  }

  private toParams(request: LlmRequest): Anthropic.MessageCreateParamsStreaming {
    const params: Anthropic.MessageCreateParamsStreaming = {
      model: this.model,
      max_tokens: request.maxTokens,
      messages: toMessages(request.messages),
      stream: true,
    };
    if (request.system !== '')
      params.system = [{ type: 'text', text: request.system, cache_control: ephemeral }];
    if (request.tools.length > 0) params.tools = toTools(request.tools);
    return params;
  }
}

function toTools(tools: LlmToolSpec[]): Anthropic.Tool[] {
  return tools.map((tool, index) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema as Anthropic.Tool.InputSchema,
    ...(index === tools.length - 1 ? { cache_control: ephemeral } : {}),
  }));
}

function toMessages(messages: LlmMessage[]): Anthropic.MessageParam[] {
  const mapped = messages.map((message): Anthropic.MessageParam => ({
    role: message.role,
    content: message.content.flatMap((block): Anthropic.ContentBlockParam[] => {
      switch (block.type) {
        case 'text':
          // The API rejects empty text blocks.
          return block.text === '' ? [] : [{ type: 'text', text: block.text }];
        case 'tool_use':
          return [{ type: 'tool_use', id: block.id, name: block.name, input: block.input }];
        case 'tool_result':
          return [
            {
              type: 'tool_result',
              tool_use_id: block.toolUseId,
              ...(block.content === '' ? {} : { content: block.content }),
              ...(block.isError ? { is_error: true } : {}),
            },
          ];
      }
    }),
  }));
  // Cache the conversation so far: the next tool round of the turn reads it back at a tenth of the price.
  const last = mapped.at(-1)?.content;
  const lastBlock = Array.isArray(last) ? last.at(-1) : undefined;
  if (lastBlock?.type === 'text' || lastBlock?.type === 'tool_use' || lastBlock?.type === 'tool_result') {
    lastBlock.cache_control = ephemeral;
  }
  return mapped;
}

type BlockState =
  | { kind: 'text'; text: string }
  | { kind: 'tool_use'; id: string; name: string; json: string; initial: Record<string, unknown> }
  | { kind: 'other' };

/** Folds the SSE events of one message into the response, forwarding text and tool starts as they come. */
class ResponseReader {
  private readonly blocks = new Map<number, BlockState>();
  private usage: LlmUsage = emptyUsage();
  private stopReason: string | null = null;
  private stopped = false;

  constructor(private readonly onEvent: (event: LlmStreamEvent) => void) {}

  read(event: Anthropic.RawMessageStreamEvent): void {
    switch (event.type) {
      case 'message_start': {
        const usage = event.message.usage;
        this.usage = {
          inputTokens: usage.input_tokens,
          outputTokens: usage.output_tokens,
          cacheReadTokens: usage.cache_read_input_tokens ?? 0,
          cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
        };
        break;
      }
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') {
          this.blocks.set(event.index, { kind: 'text', text: block.text });
          if (block.text !== '') this.onEvent({ type: 'text', delta: block.text });
        } else if (block.type === 'tool_use') {
          const initial = (block.input ?? {}) as Record<string, unknown>;
          this.blocks.set(event.index, {
            kind: 'tool_use',
            id: block.id,
            name: block.name,
            json: '',
            initial,
          });
          this.onEvent({ type: 'tool_use_start', id: block.id, name: block.name });
        } else {
          this.blocks.set(event.index, { kind: 'other' });
        }
        break;
      }
      case 'content_block_delta': {
        const block = this.blocks.get(event.index);
        if (event.delta.type === 'text_delta' && block?.kind === 'text') {
          block.text += event.delta.text;
          this.onEvent({ type: 'text', delta: event.delta.text });
        } else if (event.delta.type === 'input_json_delta' && block?.kind === 'tool_use') {
          block.json += event.delta.partial_json;
        }
        break;
      }
      case 'message_delta': {
        this.stopReason = event.delta.stop_reason;
        // Totals for the whole message; a field is left out when it does not apply.
        const usage = event.usage;
        this.usage.outputTokens = usage.output_tokens;
        if (usage.input_tokens != null) this.usage.inputTokens = usage.input_tokens;
        if (usage.cache_read_input_tokens != null) this.usage.cacheReadTokens = usage.cache_read_input_tokens;
        if (usage.cache_creation_input_tokens != null) {
          this.usage.cacheWriteTokens = usage.cache_creation_input_tokens;
        }
        break;
      }
      case 'message_stop':
        this.stopped = true;
        break;
      case 'content_block_stop':
        break;
    }
  }

  finish(): LlmResponse {
    if (!this.stopped) {
      throw new AppError('unavailable', 'The Anthropic API ended the response early; try again.');
    }
    const truncated = this.stopReason === 'max_tokens' || this.stopReason === 'model_context_window_exceeded';
    const content: LlmContent[] = [];
    for (const index of [...this.blocks.keys()].sort((a, b) => a - b)) {
      const block = this.blocks.get(index);
      if (block?.kind === 'text' && block.text !== '') content.push({ type: 'text', text: block.text });
      if (block?.kind === 'tool_use') {
        const input = block.json === '' ? block.initial : parseToolInput(block.json);
        // A call cut off by max_tokens cannot run: leave it out so the history stays valid.
        if (input === null && truncated) continue;
        content.push({ type: 'tool_use', id: block.id, name: block.name, input: input ?? {} });
      }
    }
    return { content, stopReason: this.mapStopReason(content), usage: this.usage };
  }

  private mapStopReason(content: LlmContent[]): LlmResponse['stopReason'] {
    switch (this.stopReason) {
      case 'end_turn':
      case 'tool_use':
      case 'max_tokens':
      case 'stop_sequence':
      case 'refusal':
        return this.stopReason;
      case 'model_context_window_exceeded':
        return 'max_tokens';
      default:
        // `pause_turn` (server tools, which we do not use) and anything newer.
        return content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn';
    }
  }
}

/**
 * List prices in USD per million tokens (5-minute cache writes), from Anthropic's pricing page as of 2026-11 —
 * re-check there when adding a model. Haiku 5.5 is billed higher above 100k prompt tokens; this uses the lower
 * band. Unknown models cost 0.
 */
const anthropicPrices: Record<string, ModelPrice> = (() => {
  const table: Array<[string[], ModelPrice]> = [
    [['claude-fable-5-1', 'claude-mythos-5-1'], { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 0.25 }],
    [['claude-fable-5', 'claude-mythos-5'], { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 1 }],
    [['claude-opus-5-5'], { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.2 }],
    [
      ['claude-opus-5', 'claude-opus-4-8', 'claude-opus-4-7', 'claude-opus-4-6', 'claude-opus-4-5'],
      { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
    ],
    [
      ['claude-opus-4-1', 'claude-opus-4', 'claude-opus-4-0', 'claude-3-opus'],
      { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 },
    ],
    [['claude-sonnet-5-5'], { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1 }],
    [['claude-sonnet-5'], { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 }],
    [
      ['claude-sonnet-4-6', 'claude-sonnet-4-5', 'claude-sonnet-4', 'claude-sonnet-4-0', 'claude-3-7-sonnet'],
      { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
    ],
    [['claude-haiku-5-5'], { input: 0.1, output: 0.5, cacheWrite: 0.125, cacheRead: 0.01 }],
    [['claude-haiku-4-5'], { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 }],
    [['claude-3-5-haiku'], { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 }],
    [['claude-3-haiku'], { input: 0.25, output: 1.25, cacheWrite: 0.3, cacheRead: 0.03 }],
  ];
  return Object.fromEntries(table.flatMap(([ids, price]) => ids.map((id) => [id, price])));
})();

/** The price of a model id, ignoring a date suffix (`-20250929`), `-latest`, and a provider prefix. */
export function anthropicPrice(model: string): ModelPrice | undefined {
  const start = model.toLowerCase().indexOf('claude-');
  if (start < 0) return undefined;
  const id = model
    .toLowerCase()
    .slice(start)
    .replace(/\[.*\]$/, '')
    .replace(/(-v\d+(:\d+)?|@\d{8}|-\d{8}|-latest)$/, '');
  return anthropicPrices[id];
}
