import type { ToolCall } from '@vaporform/contracts';
import type { ChatTurn } from './applyStreamEvent';

export type TurnSegment =
  { kind: 'text'; key: string; text: string } | { kind: 'tool'; key: string; call: ToolCall };

/**
 * The assistant's answer in the order it happened: text, the tool calls made after it, more text. Calls
 * whose position the stream did not report (a turn loaded from the server) come first.
 */
export function turnSegments(turn: Pick<ChatTurn, 'text' | 'toolCalls' | 'toolOffsets'>): TurnSegment[] {
  const placed = turn.toolCalls
    .map((call, index) => ({
      call,
      index,
      offset: Math.min(turn.toolOffsets[call.id] ?? 0, turn.text.length),
    }))
    .sort((a, b) => a.offset - b.offset || a.index - b.index);
  const segments: TurnSegment[] = [];
  let position = 0;
  const addText = (end: number) => {
    const text = turn.text.slice(position, end);
    if (text.trim()) segments.push({ kind: 'text', key: `text-${position}`, text });
    position = end;
  };
  for (const { call, offset } of placed) {
    if (offset > position) addText(offset);
    segments.push({ kind: 'tool', key: `tool-${call.id}`, call });
  }
  addText(turn.text.length);
  return segments;
}
