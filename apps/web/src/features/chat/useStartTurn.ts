import type { ChatBody } from '@vaporform/contracts';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { ApiError, describeError } from '../../platform/ApiError';
import { applyStreamEvents, optimisticTurn, type ChatTurn } from './applyStreamEvent';
import { startTurn } from './chatApi';
import { chatKeys, NEW_THREAD } from './chatKeys';
import { selectThread } from './selectedThread';
import { beginSend, takeHeld } from './streamBuffer';

let nextPending = 1;

/** What to tell the person when a turn could not start. */
export function describeStartError(error: unknown): string {
  if (error instanceof ApiError && error.code === 'conflict') {
    return 'The agent is busy with another request on this project. Wait for it to finish, or stop it.';
  }
  return describeError(error);
}

/**
 * Sends a message: the turn shows at once (a placeholder), the server starts it (202), and the placeholder
 * becomes the real turn with whatever the stream sent meanwhile. `threadId` null starts a new conversation,
 * which then becomes the selected one. Throws what the server answered; the placeholder is then removed.
 */
export async function sendMessage(
  client: QueryClient,
  projectId: string,
  threadId: string | null,
  message: string,
): Promise<{ turnId: string; threadId: string }> {
  const placeholderId = `pending-${nextPending++}`;
  const placeholderKey = chatKeys.turns(projectId, threadId ?? NEW_THREAD);
  const placeholder = optimisticTurn({ id: placeholderId, projectId, threadId: threadId ?? '', message });
  const dropPlaceholder = (turns: ChatTurn[] | undefined) =>
    turns?.filter((turn) => turn.id !== placeholderId);
  client.setQueryData<ChatTurn[]>(placeholderKey, (turns) => [...(turns ?? []), placeholder]);
  const endSend = beginSend(projectId);
  try {
    const body: ChatBody = threadId ? { message, threadId } : { message };
    const started = await startTurn(projectId, body);
    const real: ChatTurn = { ...placeholder, id: started.turnId, threadId: started.threadId, pending: false };
    const turn = applyStreamEvents(real, takeHeld(started.turnId));
    const key = chatKeys.turns(projectId, started.threadId);
    if (!threadId) client.setQueryData<ChatTurn[]>(placeholderKey, dropPlaceholder);
    client.setQueryData<ChatTurn[]>(key, (turns) => {
      const others = dropPlaceholder(turns) ?? [];
      // A refetch during the send may have brought the turn already.
      return others.some((candidate) => candidate.id === turn.id) ? others : [...others, turn];
    });
    if (!threadId) selectThread(projectId, started.threadId);
    void client.invalidateQueries({ queryKey: chatKeys.threads(projectId) });
    return started;
  } catch (error) {
    client.setQueryData<ChatTurn[]>(placeholderKey, dropPlaceholder);
    throw error;
  } finally {
    endSend();
  }
}

export function useStartTurn(projectId: string) {
  const client = useQueryClient();
  return useCallback(
    (threadId: string | null, message: string) => sendMessage(client, projectId, threadId, message),
    [client, projectId],
  );
}
