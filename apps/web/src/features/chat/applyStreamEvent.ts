import type { AgentStreamEvent, Turn } from '@vaporform/contracts';
import type { ServerTurn } from './chatApi';

/** A turn as the chat shows it: the server's turn plus what only the stream tells. */
export interface ChatTurn extends Turn {
  /** The `seq` of the last stream event applied (0: none); events at or below it are duplicates. */
  lastSeq: number;
  /** Unified diffs by path: the stream's `file_changed`, or the stored turn's `fileDiffs` after a reload. */
  diffs: Record<string, string>;
  /** How much of `text` there was when each tool call started, so calls show between the words around them. */
  toolOffsets: Record<string, number>;
  /** Sent, and the server has not answered yet: the id is a placeholder. */
  pending?: boolean;
}

export interface StreamStep {
  seq: number;
  event: AgentStreamEvent;
}

export const isFinished = (turn: Pick<Turn, 'status'>) => turn.status !== 'running';

/** Applies one `agent.turn` event; an event at or below `lastSeq` (a duplicate or an old one) changes nothing. */
export function applyStreamEvent(
  turn: ChatTurn,
  seq: number,
  event: AgentStreamEvent,
  now = new Date().toISOString(),
): ChatTurn {
  if (seq <= turn.lastSeq) return turn;
  const next: ChatTurn = { ...turn, lastSeq: seq };
  switch (event.type) {
    case 'text':
      next.text = turn.text + event.delta;
      break;
    case 'tool_call':
      if (turn.toolCalls.some((call) => call.id === event.id)) break;
      next.toolCalls = [
        ...turn.toolCalls,
        {
          id: event.id,
          name: event.name,
          input: event.input,
          output: null,
          isError: false,
          startedAt: now,
          finishedAt: null,
        },
      ];
      next.toolOffsets = { ...turn.toolOffsets, [event.id]: turn.text.length };
      break;
    case 'tool_result':
      next.toolCalls = turn.toolCalls.map((call) =>
        call.id === event.id
          ? { ...call, output: event.output, isError: event.isError, finishedAt: now }
          : call,
      );
      break;
    case 'file_changed':
      next.changedFiles = turn.changedFiles.includes(event.path)
        ? turn.changedFiles
        : [...turn.changedFiles, event.path];
      next.diffs = { ...turn.diffs, [event.path]: event.diff };
      break;
    case 'usage':
      next.usage = event.usage;
      break;
    case 'check': {
      const { name, command, passed, output } = event;
      next.checks = [...turn.checks, { name, command, passed, output }];
      break;
    }
    case 'review':
      next.review = event.review;
      break;
    case 'approval':
      next.approval = event.state === 'asked' ? event.request : null;
      break;
    case 'status':
      next.status = event.status;
      next.error = event.error;
      next.finishedAt = event.status === 'running' ? null : (turn.finishedAt ?? now);
      break;
  }
  return next;
}

/** Applies events in `seq` order, skipping duplicates and those the turn already has. */
export function applyStreamEvents(turn: ChatTurn, steps: readonly StreamStep[]): ChatTurn {
  return [...steps]
    .sort((a, b) => a.seq - b.seq)
    .reduce((current, step) => applyStreamEvent(current, step.seq, step.event), turn);
}

/** How far along a turn is, to tell which of two views of the same running turn has seen more. */
function progress(turn: Turn): number {
  const finishedCalls = turn.toolCalls.filter((call) => call.output !== null).length;
  return (
    (isFinished(turn) ? 1e12 : 0) +
    turn.text.length +
    turn.toolCalls.length +
    finishedCalls +
    turn.checks.length
  );
}

/**
 * Combines the server's snapshot of a turn with what the chat already has. The snapshot wins unless the local
 * view is further along (a finished turn never goes back to running; streamed text is not unsaid); diffs and
 * tool positions, which only the stream carries, are kept either way.
 *
 * `seen` is the highest `seq` received for the turn. Without the server's `lastSeq`, the snapshot is assumed
 * to include every event received before it arrived.
 */
export function mergeTurn(local: ChatTurn | undefined, server: ServerTurn, seen = 0): ChatTurn {
  const { lastSeq: serverSeq, ...turn } = server;
  const localSeq = local?.lastSeq ?? 0;
  const keepLocal =
    local !== undefined &&
    (serverSeq === undefined
      ? progress(local) > progress(turn) || (isFinished(local) && !isFinished(turn))
      : serverSeq < localSeq);
  const base: Turn = keepLocal && local ? local : turn;
  const text = base.text;
  const toolOffsets = Object.fromEntries(
    Object.entries(local?.toolOffsets ?? {}).filter(
      ([id, offset]) => offset <= text.length && base.toolCalls.some((call) => call.id === id),
    ),
  );
  return {
    ...base,
    changedFiles: [...new Set([...turn.changedFiles, ...(local?.changedFiles ?? [])])],
    checkpointId: turn.checkpointId ?? local?.checkpointId ?? null,
    lastSeq: keepLocal ? localSeq : (serverSeq ?? Math.max(localSeq, seen)),
    // Stored diffs for a turn loaded from the server; streamed ones win while the turn is live here.
    diffs: { ...Object.fromEntries(turn.fileDiffs.map(({ path, diff }) => [path, diff])), ...local?.diffs },
    toolOffsets,
  };
}

/**
 * The thread's turns after a refetch: the server's list and order, each merged with the local view; turns
 * still being sent stay at the end, and turns the server no longer has (rewound) go.
 */
export function mergeTurnList(
  local: readonly ChatTurn[] | undefined,
  server: readonly ServerTurn[],
  seen: (turnId: string) => number = () => 0,
): ChatTurn[] {
  const byId = new Map((local ?? []).map((turn) => [turn.id, turn]));
  const merged = server.map((turn) => mergeTurn(byId.get(turn.id), turn, seen(turn.id)));
  const pending = (local ?? []).filter((turn) => turn.pending);
  return [...merged, ...pending];
}

/** The turn shown the moment the user sends, before the server has answered. */
export function optimisticTurn(input: {
  id: string;
  projectId: string;
  threadId: string;
  message: string;
}): ChatTurn {
  return {
    ...input,
    userId: '',
    status: 'running',
    text: '',
    toolCalls: [],
    changedFiles: [],
    fileDiffs: [],
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
    checks: [],
    checkpointId: null,
    review: null,
    approval: null,
    error: null,
    model: '',
    createdAt: new Date().toISOString(),
    finishedAt: null,
    lastSeq: 0,
    diffs: {},
    toolOffsets: {},
    pending: true,
  };
}
