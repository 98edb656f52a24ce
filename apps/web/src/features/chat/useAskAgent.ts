import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useContext } from 'react';
import { CommandsContext } from '../../platform/commands';
import { useNotify } from '../../ui/Toasts';
import { fetchThreads } from './chatApi';
import { chatKeys } from './chatKeys';
import { NEW_SELECTION, readSelectedThread } from './selectedThread';
import { describeStartError, sendMessage } from './useStartTurn';

const maxMessage = 20_000;

/**
 * "Fix with AI": asks the agent in the chat's current conversation (or a new one when none is chosen or the
 * chat is on "New chat"), and shows the chat. Works while the chat is closed. Failures (no model, the agent
 * busy) are shown as notices; the promise settles once the turn has started or could not.
 */
export function useAskAgent(projectId: string): (message: string) => Promise<void> {
  const client = useQueryClient();
  const notify = useNotify();
  const commands = useContext(CommandsContext);
  return useCallback(
    async (message: string) => {
      const trimmed = message.trim();
      if (!trimmed) return;
      const text = trimmed.length > maxMessage ? `${trimmed.slice(0, maxMessage - 1)}…` : trimmed;
      void commands?.execute('vaporform.chat.show');
      try {
        const selection = readSelectedThread(projectId);
        const threadId =
          selection === NEW_SELECTION
            ? null
            : (selection ??
              (
                await client.fetchQuery({
                  queryKey: chatKeys.threads(projectId),
                  queryFn: ({ signal }) => fetchThreads(projectId, signal),
                  staleTime: 10_000,
                })
              )[0]?.id ??
              null);
        await sendMessage(client, projectId, threadId, text);
      } catch (error) {
        notify.error(new Error(describeStartError(error)));
      }
    },
    [client, commands, notify, projectId],
  );
}
