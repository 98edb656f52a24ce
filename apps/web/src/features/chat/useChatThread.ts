import type { Thread } from '@vaporform/contracts';
import { skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiError } from '../../platform/ApiError';
import { applyStreamEvents, mergeTurnList, type ChatTurn } from './applyStreamEvent';
import { fetchAgentStatus, fetchThreads, fetchTurns } from './chatApi';
import { chatKeys, NEW_THREAD } from './chatKeys';
import { NEW_SELECTION, useSelectedThread } from './selectedThread';
import { heldSeq, takeHeld } from './streamBuffer';

/** Whether the server has a model, and if not, how to add one. Rarely changes: asked once per few minutes. */
export function useAgentStatus() {
  return useQuery({ queryKey: chatKeys.status, queryFn: fetchAgentStatus, staleTime: 300_000 });
}

export function useThreads(projectId: string) {
  return useQuery({
    queryKey: chatKeys.threads(projectId),
    queryFn: ({ signal }) => fetchThreads(projectId, signal),
  });
}

/** The thread a selection means: `new`, a chosen thread, or (nothing chosen) the most recent one. */
export function resolveThread(
  selection: string | null,
  threads: readonly Thread[] | undefined,
): string | null {
  if (selection === NEW_SELECTION) return null;
  return selection ?? threads?.[0]?.id ?? null;
}

/**
 * The turns of one thread, from the server and then the stream. A refetch merges into what the chat has
 * (the server's turn as it is now, plus the diffs and events only the stream carried).
 */
export function useTurns(projectId: string, threadId: string | null) {
  const client = useQueryClient();
  const key = chatKeys.turns(projectId, threadId ?? NEW_THREAD);
  return useQuery<ChatTurn[]>({
    queryKey: key,
    queryFn: threadId
      ? async ({ signal }) => {
          const server = await fetchTurns(projectId, threadId, signal);
          const local = client.getQueryData<ChatTurn[]>(key);
          const seen = (turnId: string) =>
            Math.max(heldSeq(turnId), local?.find((turn) => turn.id === turnId)?.lastSeq ?? 0);
          return mergeTurnList(local, server, seen).map((turn) => {
            const held = takeHeld(turn.id);
            return held.length > 0 ? applyStreamEvents(turn, held) : turn;
          });
        }
      : skipToken,
  });
}

/**
 * The chat's current conversation: the selection (remembered per tab; the most recent thread until one is
 * chosen), its thread and turns. A thread that no longer exists falls back to a new conversation.
 */
export function useChatThread(projectId: string) {
  const [selection, select] = useSelectedThread(projectId);
  const threads = useThreads(projectId);
  const threadId = resolveThread(selection, threads.data);
  const turns = useTurns(projectId, threadId);
  const gone = turns.error instanceof ApiError && turns.error.code === 'not_found';
  useEffect(() => {
    if (gone) select(NEW_SELECTION);
  }, [gone, select]);
  // The most recent thread, once shown, stays: another person's newer thread must not take its place.
  const mostRecent = selection === null && threads.data ? (threads.data[0]?.id ?? NEW_SELECTION) : null;
  useEffect(() => {
    if (mostRecent) select(mostRecent);
  }, [mostRecent, select]);
  const thread = threads.data?.find((candidate) => candidate.id === threadId) ?? null;
  const list = turns.data ?? [];
  return {
    selection,
    select,
    threads,
    threadId,
    thread,
    turns,
    list,
    /** Waiting for the thread list before the most recent thread can be shown. */
    resolving: selection === null && threads.isPending,
    busy: list.some((turn) => turn.status === 'running'),
  };
}
