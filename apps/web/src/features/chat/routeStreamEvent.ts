import type { QueryClient } from '@tanstack/react-query';
import type { Thread, VaporformEvents } from '@vaporform/contracts';
import { applyStreamEvent, type ChatTurn } from './applyStreamEvent';
import { chatKeys } from './chatKeys';
import { holdStep, isSending } from './streamBuffer';

export type AgentTurnPayload = VaporformEvents['agent.turn'];

/**
 * Applies one `agent.turn` event to the cached turns of its thread, and only that thread. A turn the cache
 * does not know yet (started elsewhere, or just sent from here) has its events held until it arrives: from the
 * refetch this asks for, or from the answer to the send in flight.
 */
export function routeStreamEvent(client: QueryClient, projectId: string, payload: AgentTurnPayload): void {
  const key = chatKeys.turns(projectId, payload.threadId);
  const turns = client.getQueryData<ChatTurn[]>(key);
  if (payload.event.type === 'review' && payload.seq === 0) {
    // A decision on a finished turn's proposal, made here or elsewhere: the server's turn says what stands.
    void client.invalidateQueries({ queryKey: key, exact: true }, { cancelRefetch: false });
    return;
  }
  const step = { seq: payload.seq, event: payload.event };
  if (turns?.some((turn) => turn.id === payload.turnId)) {
    client.setQueryData<ChatTurn[]>(key, (current) =>
      current?.map((turn) =>
        turn.id === payload.turnId ? applyStreamEvent(turn, step.seq, step.event) : turn,
      ),
    );
  } else {
    const watched =
      (client.getQueryCache().find({ queryKey: key, exact: true })?.getObserversCount() ?? 0) > 0;
    const sending = isSending(projectId);
    if (watched || sending) holdStep(payload.turnId, step);
    // The refetch answers with the turn as it is now (its events so far included); one in flight is reused.
    if (turns && !sending) {
      void client.invalidateQueries({ queryKey: key, exact: true }, { cancelRefetch: false });
    }
  }
  const threads = client.getQueryData<Thread[]>(chatKeys.threads(projectId));
  const finished = payload.event.type === 'status' && payload.event.status !== 'running';
  if (finished || (threads && !threads.some((thread) => thread.id === payload.threadId))) {
    void client.invalidateQueries({ queryKey: chatKeys.threads(projectId) }, { cancelRefetch: false });
  }
}
