import { describe, expect, it } from 'vitest';
import { compactHistory, estimateTokens, fitMessages } from './compaction.js';
import type { LlmMessage } from './providers/llmProvider.js';

const user = (text: string): LlmMessage => ({ role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): LlmMessage => ({ role: 'assistant', content: [{ type: 'text', text }] });
const big = (label: string) => `${label} `.repeat(2000);

/** A turn that read a large file, rewrote it, and answered. */
function turn(index: number): LlmMessage[] {
  return [
    user(`Request ${index}`),
    {
      role: 'assistant',
      content: [
        { type: 'tool_use', id: `r${index}`, name: 'read_file', input: { path: `src/f${index}.ts` } },
      ],
    },
    {
      role: 'user',
      content: [{ type: 'tool_result', toolUseId: `r${index}`, content: big('old'), isError: false }],
    },
    {
      role: 'assistant',
      content: [
        {
          type: 'tool_use',
          id: `w${index}`,
          name: 'write_file',
          input: { path: `src/f${index}.ts`, content: big('new') },
        },
      ],
    },
    {
      role: 'user',
      content: [{ type: 'tool_result', toolUseId: `w${index}`, content: 'Overwrote', isError: false }],
    },
    assistant(`Answer ${index}: rewrote src/f${index}.ts`),
  ];
}

describe('compactHistory', () => {
  it('sends a thread that fits unchanged', () => {
    const turns = [turn(1), turn(2)];
    expect(compactHistory(turns, 1_000_000)).toEqual(turns.flat());
  });

  it('trims the tool outputs and written contents of earlier turns first, keeping every message', () => {
    const turns = [turn(1), turn(2), turn(3)];
    const whole = estimateTokens(turns.flat());
    const compacted = compactHistory(turns, whole - 3000);
    expect(compacted).toHaveLength(18);
    expect(estimateTokens(compacted)).toBeLessThanOrEqual(whole - 3000);
    expect(JSON.stringify(compacted[2])).toContain('characters trimmed to fit the context window');
    // The last turn is what the next request builds on: whole.
    expect(compacted.slice(12)).toEqual(turn(3));
  });

  it('summarises the oldest turns when trimming is not enough, and keeps the roles alternating', () => {
    const turns = Array.from({ length: 30 }, (_unused, index) => turn(index + 1));
    const compacted = compactHistory(turns, 8000);
    expect(estimateTokens(compacted)).toBeLessThanOrEqual(8000);
    const summary = compacted[0]!.content[0];
    expect(summary?.type === 'text' && summary.text).toMatch(/^Earlier in this conversation/);
    expect(JSON.stringify(summary)).toContain('User: Request');
    expect(JSON.stringify(summary)).toContain('changed src/f');
    expect(compacted[1]).toEqual(assistant('Understood.'));
    expect(compacted.at(-1)).toEqual(assistant('Answer 30: rewrote src/f30.ts'));
    for (let index = 1; index < compacted.length; index += 1) {
      const bothUserText =
        compacted[index]!.role === 'user' &&
        compacted[index - 1]!.role === 'user' &&
        compacted[index]!.content[0]?.type === 'text';
      expect(bothUserText).toBe(false);
    }
  });
});

describe('fitMessages', () => {
  it('trims the oldest tool outputs of a long turn, never the newest messages', () => {
    const messages = [...turn(1), ...turn(2)];
    const fitted = fitMessages(messages, estimateTokens(messages) - 2000);
    expect(estimateTokens(fitted)).toBeLessThanOrEqual(estimateTokens(messages) - 2000);
    expect(fitted.slice(-4)).toEqual(messages.slice(-4));
    expect(JSON.stringify(fitted[2])).toContain('trimmed');
    expect(messages[2]).toEqual(turn(1)[2]);
  });
});
