import { eventSchemas } from '@vaporform/contracts';
import { useState } from 'react';
import { useProjectEvents } from '../../platform/projectEvents';
import { Icon } from '../../ui/Icon';
import { agentActivity } from './agentActivity';

/**
 * The status bar's "Agent is editing src/app.ts": everyone on the project sees what the agent does, whoever
 * asked it, even with the chat closed. Clicking it opens the chat.
 */
export function AgentActivity({ projectId, onOpen }: { projectId: string; onOpen: () => void }) {
  const [activity, setActivity] = useState<string | null>(null);
  useProjectEvents(projectId, {
    event: (message) => {
      if (message.name !== 'agent.turn') return;
      const parsed = eventSchemas['agent.turn'].safeParse(message.payload);
      if (!parsed.success) return;
      const next = agentActivity(parsed.data.event);
      if (next !== undefined) setActivity(next);
    },
    subscribed: () => setActivity(null),
  });
  if (!activity) return null;
  return (
    <button type="button" className="status-item" aria-live="polite" title={activity} onClick={onOpen}>
      <Icon name="sparkle" /> {activity}
    </button>
  );
}
