import type { LlmRequest, LlmToolSpec } from '../llmProvider.js';

/** `read_file` as a provider sees it: a name, a description and the JSON Schema of its input. */
export const readFileSpec: LlmToolSpec = {
  name: 'read_file',
  description: 'Read a file',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

/** The first request of a turn, as the agent sends it to a provider: its system prompt and one user message. */
export function llmRequest(message: string, overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    system: 'You are the Vaporform agent.',
    messages: [{ role: 'user', content: [{ type: 'text', text: message }] }],
    tools: [],
    maxTokens: 1024,
    signal: new AbortController().signal,
    ...overrides,
  };
}
