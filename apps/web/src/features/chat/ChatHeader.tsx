import type { Thread } from '@vaporform/contracts';
import { IconButton } from '../../ui/Button';
import { Icon } from '../../ui/Icon';
import { ThreadPicker } from './ThreadPicker';

/** The conversation's title, the recent conversations, and "New chat". */
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
  return (
    <header className="chat-header">
      <h2 className="chat-header-title" title={title}>
        {title}
      </h2>
      <ThreadPicker threads={threads} currentId={currentId} onSelect={onSelect} />
      <IconButton label="New chat" onClick={onNew}>
        <Icon name="add" />
      </IconButton>
    </header>
  );
}
