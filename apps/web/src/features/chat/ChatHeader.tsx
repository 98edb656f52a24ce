import type { Thread } from '@vaporform/contracts';
import { usePreferences, useUpdatePreferences } from '../../platform/preferences';
import { IconButton } from '../../ui/Button';
import { Icon } from '../../ui/Icon';
import { ThreadPicker } from './ThreadPicker';

/** The conversation's title, the recent conversations, review mode (the user's setting), and "New chat". */
export function ChatHeader({
  title,
  threads,
  currentId,
  onSelect,
  onNew,
}: {
  title: string;
  threads: readonly Thread[];
  currentId: string | null;
  onSelect: (threadId: string) => void;
  onNew: () => void;
}) {
  const { agentReview } = usePreferences();
  const updatePreferences = useUpdatePreferences();
  return (
    <header className="chat-header">
      <h2 className="chat-header-title" title={title}>
        {title}
      </h2>
      <ThreadPicker threads={threads} currentId={currentId} onSelect={onSelect} />
      <IconButton
        label={
          agentReview ? 'Review mode on: edits wait for you' : 'Review mode off: edits apply as they come'
        }
        aria-pressed={agentReview}
        className={agentReview ? 'chat-review-toggle is-on' : 'chat-review-toggle'}
        onClick={() => updatePreferences({ agentReview: !agentReview })}
      >
        <Icon name="checklist" />
      </IconButton>
      <IconButton label="New chat" onClick={onNew}>
        <Icon name="add" />
      </IconButton>
    </header>
  );
}
