import type { LlmContent, LlmMessage } from './providers/llmProvider.js';

/**
 * Keeps a conversation inside the model's context window. Tokens are estimated from characters (about 3.5
 * per token for code and English), which errs on the side of sending less: an exact count would need a
 * round trip to the provider for every request.
 */
const charsPerToken = 3.5;
/** A trimmed tool output or file content keeps its start, where the gist usually is. */
const keptChars = 300;
/** The newest messages are never trimmed: they are what the model is working on right now. */
const untouchedTail = 4;

export function estimateTokens(value: unknown): number {
  return Math.ceil((typeof value === 'string' ? value.length : JSON.stringify(value).length) / charsPerToken);
}

/**
 * The earlier turns of a thread, fitted into `budgetTokens`: first their tool outputs and written file
 * contents are trimmed (all but the last turn's), then the oldest turns are replaced, one at a time, by a
 * summary of what was asked and answered. Deterministic, so the same history compacts the same way and
 * stays a cacheable prefix.
 */
export function compactHistory(turns: readonly LlmMessage[][], budgetTokens: number): LlmMessage[] {
  const whole = turns.flat();
  if (estimateTokens(whole) <= budgetTokens) return whole;
  const trimmed = turns.map((turn, index) => (index === turns.length - 1 ? turn : turn.map(trimMessage)));
  const summarised: string[] = [];
  let kept = trimmed;
  for (;;) {
    const messages = [...summaryMessages(summarised), ...kept.flat()];
    if (estimateTokens(messages) <= budgetTokens || kept.length === 0) return messages;
    const [oldest, ...rest] = kept;
    summarised.push(summaryLine(oldest ?? []));
    kept = rest;
    // The summary itself must fit: its oldest lines go first.
    while (summarised.length > 1 && estimateTokens(summarised) > budgetTokens / 4) summarised.shift();
  }
}

/**
 * The messages of one request, fitted into `budgetTokens` by trimming tool outputs and written contents from
 * the oldest on. A turn with many tool calls would otherwise outgrow the window by itself.
 */
export function fitMessages(messages: readonly LlmMessage[], budgetTokens: number): LlmMessage[] {
  let total = estimateTokens(messages);
  if (total <= budgetTokens) return [...messages];
  const fitted = [...messages];
  for (let index = 0; index < fitted.length - untouchedTail && total > budgetTokens; index += 1) {
    const message = fitted[index]!;
    const smaller = trimMessage(message);
    total -= estimateTokens(message) - estimateTokens(smaller);
    fitted[index] = smaller;
  }
  return fitted;
}

function trimMessage(message: LlmMessage): LlmMessage {
  return { role: message.role, content: message.content.map(trimContent) };
}

function trimContent(block: LlmContent): LlmContent {
  if (block.type === 'tool_result') return { ...block, content: trimText(block.content) };
  if (block.type === 'tool_use') {
    const input = Object.fromEntries(
      Object.entries(block.input).map(([key, value]) => [
        key,
        typeof value === 'string' ? trimText(value) : value,
      ]),
    );
    return { ...block, input };
  }
  return block;
}

function trimText(text: string): string {
  if (text.length <= keptChars * 2) return text;
  return `${text.slice(0, keptChars)}… [${text.length - keptChars} characters trimmed to fit the context window]`;
}

/** One line per summarised turn: what the user asked, what the agent changed, and what it answered. */
function summaryLine(turn: readonly LlmMessage[]): string {
  const asked = firstText(turn.find((message) => message.role === 'user'));
  const answered = turn
    .filter((message) => message.role === 'assistant')
    .map(firstText)
    .filter((text) => text.length > 0)
    .at(-1);
  const written = new Set<string>();
  for (const message of turn) {
    for (const block of message.content) {
      if (block.type === 'tool_use' && typeof block.input.path === 'string' && /write|edit/.test(block.name))
        written.add(block.input.path);
    }
  }
  const parts = [`User: ${clip(asked, 300)}`];
  if (written.size > 0) parts.push(`changed ${[...written].join(', ')}`);
  if (answered) parts.push(`Agent: ${clip(answered, 400)}`);
  return `- ${parts.join(' — ')}`;
}

function summaryMessages(lines: readonly string[]): LlmMessage[] {
  if (lines.length === 0) return [];
  const text = `Earlier in this conversation (summarised to fit the context window; read the files again for details):\n${lines.join('\n')}`;
  // Roles alternate: the summary is the user's, acknowledged before the next turn's user message.
  return [
    { role: 'user', content: [{ type: 'text', text }] },
    { role: 'assistant', content: [{ type: 'text', text: 'Understood.' }] },
  ];
}

function firstText(message: LlmMessage | undefined): string {
  const block = message?.content.find((content) => content.type === 'text');
  return block?.type === 'text' ? block.text.trim() : '';
}

function clip(text: string, chars: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= chars ? line : `${line.slice(0, chars - 1)}…`;
}
