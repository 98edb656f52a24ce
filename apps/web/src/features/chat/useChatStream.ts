import { eventSchemas } from '@vaporform/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useProjectEvents } from '../../platform/projectEvents';
import { chatKeys } from './chatKeys';
import { routeStreamEvent } from './routeStreamEvent';

/**
 * Follows the project's agent turns over the project socket while the chat is open. After a reconnect the
 * chat's answers are refetched: the server reports a running turn as it is now.
 */
export function useChatStream(projectId: string): void {
  const client = useQueryClient();
  useProjectEvents(projectId, {
    event: (message) => {
      if (message.name !== 'agent.turn') return;
      const parsed = eventSchemas['agent.turn'].safeParse(message.payload);
      if (parsed.success && parsed.data.projectId === projectId)
        routeStreamEvent(client, projectId, parsed.data);
    },
    subscribed: () =>
      void client.invalidateQueries({ queryKey: chatKeys.all(projectId) }, { cancelRefetch: false }),
  });
}
