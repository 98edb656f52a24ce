import type { ToolCall } from '@vaporform/contracts';
import { describe, expect, it } from 'vitest';
import { toolSummary } from './toolSummary';
import { turnSegments } from './turnSegments';

const call = (id: string): ToolCall => ({
  id,
  name: 'read_file',
  input: {},
  output: null,
  isError: false,
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
});

describe('turnSegments', () => {
  it('puts each tool call between the text before and after it', () => {
    const segments = turnSegments({
      text: 'Let me look.Now I edit.Done.',
      toolCalls: [call('a'), call('b')],
      toolOffsets: { a: 12, b: 23 },
    });
    expect(segments.map((segment) => (segment.kind === 'text' ? segment.text : segment.call.id))).toEqual([
      'Let me look.',
      'a',
      'Now I edit.',
      'b',
      'Done.',
    ]);
  });

  it('shows calls without a known position first (a turn loaded from the server)', () => {
    const segments = turnSegments({ text: 'Done.', toolCalls: [call('a')], toolOffsets: {} });
    expect(segments.map((segment) => segment.kind)).toEqual(['tool', 'text']);
  });
});

describe('toolSummary', () => {
  it('says the path, command or pattern, in one line', () => {
    expect(toolSummary({ path: 'src/a.ts', startLine: 10, endLine: 20 })).toBe('src/a.ts:10-20');
    expect(toolSummary({ command: 'npm\n  test', timeoutSeconds: 60 })).toBe('npm test');
    expect(toolSummary({ pattern: 'TODO', regex: false })).toBe('TODO');
    expect(toolSummary({ lines: 100 })).toBe('lines: 100');
    expect(toolSummary({ command: 'x'.repeat(300) })).toHaveLength(120);
  });
});
