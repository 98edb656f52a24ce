import { randomUUID } from 'node:crypto';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
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

export const defaultOpenAiBaseUrl = 'https://api.openai.com/v1';
/** Used only against OpenAI itself; other servers need the model named (VAPORFORM_MODEL). */
export const defaultOpenAiModel = 'gpt-4.1';

/**
 * Defaults: `baseUrl` https://api.openai.com/v1 (Ollama: `http://localhost:11434/v1`; the SDK appends
 * `/chat/completions`); 4 retries of 429, 5xx and connection failures; `idleTimeoutMs` 10 minutes (local models
 * can be slow to start). Local servers (Ollama, vLLM, LM Studio) usually need no `apiKey`.
 */
export type OpenAiProviderOptions = ProviderOptions;

/**
 * Any OpenAI-compatible chat completions server through the `openai` SDK: streamed text, tool calls reassembled
 * from their streamed pieces, tool results sent back as `role: 'tool'` messages, usage from the final chunk.
 */
export class OpenAiProvider implements LlmProvider {
  readonly kind = 'openai' as const;
  readonly model: string;
  private readonly client: OpenAI;
  private readonly official: boolean;
  private readonly idleTimeoutMs: number;
  private readonly failureContext: FailureContext;

  constructor(options: OpenAiProviderOptions) {
    const baseURL = options.baseUrl ?? defaultOpenAiBaseUrl;
    this.official = hostOf(baseURL) === 'api.openai.com';
    this.model = options.model ?? defaultOpenAiModel;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 10 * 60_000;
    this.client = new OpenAI({
      ...sdkClientOptions(options, baseURL),
      // Explicit, so the SDK reads no OPENAI_ORG_ID / OPENAI_PROJECT_ID of its own.
      organization: null,
      project: null,
      webhookSecret: null,
    });
    this.failureContext = {
      service: this.official ? 'the OpenAI API' : 'the OpenAI-compatible server',
      host: hostOf(baseURL),
      keyHint: 'OPENAI_API_KEY or the OpenAI key in your settings',
      secret: options.apiKey,
    };
  }

  complete(request: LlmRequest, onEvent: (event: LlmStreamEvent) => void): Promise<LlmResponse> {
    return streamResponse(request, onEvent, {
      open: (signal) => this.client.chat.completions.create(this.toParams(request), { signal }),
      reader: (emit) => new ChunkReader(emit),
      describe: (error) =>
        describeSdkError(
          error,
          { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError },
          (apiError) => ({ type: apiError.type ?? null, apiMessage: apiMessageOf(apiError.error) }),
        ),
      failureContext: this.failureContext,
      idleTimeoutMs: this.idleTimeoutMs,
      stalledSubject: this.failureContext.service,
    });
  }

  costOf(usage: LlmUsage): number {
    // A local server may well call its model "gpt-…"; only OpenAI's own API is billed at OpenAI's prices.
    return this.official ? priceUsage(usage, openAiPrice(this.model)) : 0;
  }

  private toParams(request: LlmRequest): OpenAI.ChatCompletionCreateParamsStreaming {
    const params: OpenAI.ChatCompletionCreateParamsStreaming = {
      model: this.model,
      messages: toMessages(request.system, request.messages),
      stream: true,
      stream_options: { include_usage: true },
    };
    // OpenAI's newer models accept only max_completion_tokens; most compatible servers know only max_tokens.
    if (this.official) params.max_completion_tokens = request.maxTokens;
    else params.max_tokens = request.maxTokens;
    if (request.tools.length > 0) params.tools = toTools(request.tools);
    return params;
  }
}

function toTools(tools: LlmToolSpec[]): OpenAI.ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  }));
}

function toMessages(system: string, messages: LlmMessage[]): OpenAI.ChatCompletionMessageParam[] {
  const out: OpenAI.ChatCompletionMessageParam[] = [];
  if (system !== '') out.push({ role: 'system', content: system });
  for (const message of messages) {
    const text = message.content
      .filter((block) => block.type === 'text')
      .map((block) => block.text)
      .filter((value) => value !== '')
      .join('\n\n');
    if (message.role === 'assistant') {
      const toolCalls = message.content
        .filter((block) => block.type === 'tool_use')
        .map((block): OpenAI.ChatCompletionMessageFunctionToolCall => ({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input) },
        }));
      out.push({
        role: 'assistant',
        content: text === '' && toolCalls.length > 0 ? null : text,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      });
      continue;
    }
    // Tool results first: they must directly follow the assistant message that asked for them.
    for (const block of message.content) {
      if (block.type !== 'tool_result') continue;
      out.push({
        role: 'tool',
        tool_call_id: block.toolUseId,
        // The format has no error flag; say it in the text so the model knows the call failed.
        content: block.isError ? `Error: ${block.content}` : block.content,
      });
    }
    if (text !== '') out.push({ role: 'user', content: text });
  }
  return out;
}

interface CallState {
  id: string;
  name: string;
  args: string;
  announced: boolean;
}

/** Folds the chunks of one completion into the response, forwarding text and tool starts as they come. */
class ChunkReader {
  private text = '';
  private readonly calls = new Map<number, CallState>();
  private finishReason: string | null = null;
  private usage: LlmUsage = emptyUsage();

  constructor(private readonly onEvent: (event: LlmStreamEvent) => void) {}

  read(chunk: OpenAI.ChatCompletionChunk): void {
    if (chunk.usage) {
      const cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
      this.usage = {
        inputTokens: Math.max(0, chunk.usage.prompt_tokens - cached),
        outputTokens: chunk.usage.completion_tokens,
        cacheReadTokens: cached,
        cacheWriteTokens: 0,
      };
    }
    const choice = chunk.choices[0];
    if (!choice) return;
    const delta = choice.delta;
    if (typeof delta.content === 'string' && delta.content !== '') {
      this.text += delta.content;
      this.onEvent({ type: 'text', delta: delta.content });
    }
    for (const piece of delta.tool_calls ?? []) {
      let call = this.calls.get(piece.index);
      if (!call) {
        // Some servers leave out the id; the history still needs one to pair the result with the call.
        call = { id: piece.id || `call_${randomUUID()}`, name: '', args: '', announced: false };
        this.calls.set(piece.index, call);
      }
      if (piece.function?.name) call.name = call.name === '' ? piece.function.name : call.name;
      if (piece.function?.arguments) call.args += piece.function.arguments;
      if (!call.announced && call.name !== '') {
        call.announced = true;
        this.onEvent({ type: 'tool_use_start', id: call.id, name: call.name });
      }
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  finish(): LlmResponse {
    if (this.finishReason === null) {
      throw new AppError('unavailable', 'The model server ended the response early; try again.');
    }
    const truncated = this.finishReason === 'length';
    const content: LlmContent[] = [];
    if (this.text !== '') content.push({ type: 'text', text: this.text });
    for (const index of [...this.calls.keys()].sort((a, b) => a - b)) {
      const call = this.calls.get(index);
      if (!call || call.name === '') continue;
      const input = parseToolInput(call.args);
      // Cut off by the token limit: the call cannot run, and leaving it out keeps the history valid.
      if (input === null && truncated) continue;
      // Arguments that do not parse (local models do this) run as {}: the tool's validation then tells the model.
      content.push({ type: 'tool_use', id: call.id, name: call.name, input: input ?? {} });
    }
    const hasCalls = content.some((block) => block.type === 'tool_use');
    return { content, stopReason: mapFinishReason(this.finishReason, hasCalls), usage: this.usage };
  }
}

function mapFinishReason(reason: string, hasCalls: boolean): LlmResponse['stopReason'] {
  if (reason === 'length') return 'max_tokens';
  if (reason === 'content_filter') return 'refusal';
  // Some servers (older Ollama) finish a tool-calling answer with "stop".
  if (hasCalls) return 'tool_use';
  return 'end_turn';
}

/** The API's message from the SDK's `error` (the body's `error` member): an object with `message`, or plain text. */
function apiMessageOf(body: unknown): string | null {
  if (typeof body === 'string') return body;
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { message?: unknown }).message === 'string'
  ) {
    return (body as { message: string }).message;
  }
  return null;
}

/** OpenAI list prices, USD per million tokens (cached input billed at `cacheRead`). Unknown models cost 0. */
const openAiPrices: Record<string, ModelPrice> = {
  'gpt-4.1': { input: 2, output: 8, cacheWrite: 2, cacheRead: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheWrite: 0.4, cacheRead: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cacheWrite: 0.1, cacheRead: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cacheWrite: 2.5, cacheRead: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cacheWrite: 0.15, cacheRead: 0.075 },
  'gpt-5': { input: 1.25, output: 10, cacheWrite: 1.25, cacheRead: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cacheWrite: 0.25, cacheRead: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cacheWrite: 0.05, cacheRead: 0.005 },
};

export function openAiPrice(model: string): ModelPrice | undefined {
  return openAiPrices[model.toLowerCase().replace(/-\d{4}-\d{2}-\d{2}$/, '')];
}
