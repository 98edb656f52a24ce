import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApprovalBody, ReviewBody } from '@vaporform/contracts';
import { queryKeys } from '../../platform/queryKeys';
import { useNotify } from '../../ui/Toasts';
import { useEditors } from '../editor';
import { mergeTurn, type ChatTurn } from './applyStreamEvent';
import { answerApproval, cancelTurn, reviewTurn, rewindTurn } from './chatApi';
import { chatKeys } from './chatKeys';

/** Stop: the server ends the turn (keeping what it did) and answers with it, finished. */
export function useCancelTurn(projectId: string) {
  const client = useQueryClient();
  const notify = useNotify();
  return useMutation({
    mutationFn: (turn: ChatTurn) => cancelTurn(projectId, turn.id),
    onSuccess: (server) =>
      client.setQueryData<ChatTurn[]>(chatKeys.turns(projectId, server.threadId), (turns) =>
        turns?.map((turn) => (turn.id === server.id ? mergeTurn(turn, server, turn.lastSeq) : turn)),
      ),
    onError: (error) => notify.error(error),
  });
}

/** Accept or reject files of a review-mode turn's proposal; accepted files are written, so editors reload. */
export function useReviewTurn(projectId: string) {
  const client = useQueryClient();
  const notify = useNotify();
  const editors = useEditors();
  return useMutation({
    mutationFn: (input: { turn: ChatTurn; body: ReviewBody }) =>
      reviewTurn(projectId, input.turn.id, input.body),
    onSuccess: (server, { body }) => {
      client.setQueryData<ChatTurn[]>(chatKeys.turns(projectId, server.threadId), (turns) =>
        turns?.map((turn) => (turn.id === server.id ? mergeTurn(turn, server, turn.lastSeq) : turn)),
      );
      if (body.decision === 'accept') {
        editors.revalidate?.();
        void client.invalidateQueries({ queryKey: queryKeys.tree(projectId) });
        void client.invalidateQueries({ queryKey: queryKeys.checkpoints(projectId) });
      }
    },
    onError: (error) => notify.error(error),
  });
}

/** Allow or refuse the MCP tool a running turn waits on; the stream carries on from there. */
export function useAnswerApproval(projectId: string) {
  const notify = useNotify();
  return useMutation({
    mutationFn: (input: { turn: ChatTurn; body: ApprovalBody }) =>
      answerApproval(projectId, input.turn.id, input.body),
    onError: (error) => notify.error(error),
  });
}

/** Rewind: the files go back to before the turn, and the turn and those after it leave the thread. */
export function useRewindTurn(projectId: string) {
  const client = useQueryClient();
  const notify = useNotify();
  const editors = useEditors();
  return useMutation({
    mutationFn: (turn: ChatTurn) => rewindTurn(projectId, turn.id),
    onSuccess: async ({ restoredCheckpoint }, turn) => {
      editors.revalidate?.();
      void client.invalidateQueries({ queryKey: queryKeys.checkpoints(projectId) });
      void client.invalidateQueries({ queryKey: queryKeys.tree(projectId) });
      void client.invalidateQueries({ queryKey: chatKeys.threads(projectId) });
      await client.invalidateQueries({ queryKey: chatKeys.turns(projectId, turn.threadId) });
      notify.info(
        restoredCheckpoint
          ? 'Rewound: the files are back to how they were before that turn, and it and the later turns are removed.'
          : 'Rewound: that turn (which changed no files) and the later turns are removed.',
      );
    },
    onError: (error) => notify.error(error),
  });
}
