import { useState } from 'react';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Icon } from '../../ui/Icon';
import type { ChatTurn } from './applyStreamEvent';
import { useRewindTurn } from './useTurnActions';

/** "Rewind to before this", after a confirmation that says what it undoes. */
export function RewindButton({
  projectId,
  turn,
  disabled,
}: {
  projectId: string;
  turn: ChatTurn;
  disabled: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  const rewind = useRewindTurn(projectId);
  const close = () => setConfirming(false);
  return (
    <>
      <button
        type="button"
        className="chat-link-button"
        disabled={disabled || rewind.isPending}
        title={disabled ? 'Wait for the running turn to finish' : undefined}
        onClick={() => setConfirming(true)}
      >
        <Icon name="discard" />
        Rewind to before this
      </button>
      <Dialog open={confirming} title="Rewind to before this turn?" onClose={close}>
        <p>
          This restores the files to before this turn and removes it and the later turns of this conversation.
        </p>
        <div className="dialog-actions">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button
            variant="danger"
            busy={rewind.isPending}
            onClick={() => rewind.mutate(turn, { onSettled: close })}
          >
            Rewind
          </Button>
        </div>
      </Dialog>
    </>
  );
}
