/**
 * One interface for every model the agent can talk to (Anthropic through its SDK, OpenAI-compatible servers
 * through theirs). The agent loop speaks only this; a provider maps it onto its wire format.
 */
export type LlmContent =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; toolUseId: string; content: string; isError: boolean };

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: LlmContent[];
}

export interface LlmToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the input object (from the tool's zod schema). */
  inputSchema: Record<string, unknown>;
}

export type LlmStreamEvent =
  | { type: 'text'; delta: string }
  /** A tool call has begun; its input arrives whole in the final response. */
  | { type: 'tool_use_start'; id: string; name: string };

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface LlmResponse {
  /** The assistant message, text and tool calls in the order the model produced them. */
  content: LlmContent[];
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal';
  usage: LlmUsage;
}

export interface LlmRequest {
  /** Stable across the turn's requests, so providers that cache prompts (Anthropic) cache it with the tools. */
  system: string;
  messages: LlmMessage[];
  tools: LlmToolSpec[];
  maxTokens: number;
  signal: AbortSignal;
}

export interface LlmProvider {
  readonly kind: 'anthropic' | 'openai';
  readonly model: string;
  /**
   * One model response, streamed through `onEvent` as it arrives. Overload and rate-limit answers are retried
   * with backoff inside; what still fails rejects with an AppError (`unavailable`, `rate_limited`,
   * `unauthenticated` for a bad key, `bad_request`), and an aborted signal rejects with the abort reason.
   */
  complete(request: LlmRequest, onEvent: (event: LlmStreamEvent) => void): Promise<LlmResponse>;
  /** US dollars for this usage at the model's list price; 0 when unknown. */
  costOf(usage: LlmUsage): number;
}
