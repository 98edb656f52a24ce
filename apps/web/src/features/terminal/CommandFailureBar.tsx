import { Button, IconButton } from '../../ui/Button';
import type { FinishedCommand } from './commandTracker';

/** The last failed command of a terminal, under it: "Fix with AI" or dismiss. */
export function CommandFailureBar({
  failure,
  onFix,
  onDismiss,
}: {
  failure: FinishedCommand;
  onFix: () => void;
  onDismiss: () => void;
}) {
  const firstLine = failure.command.split('\n')[0] ?? '';
  const shown = firstLine === failure.command ? firstLine : `${firstLine} …`;
  return (
    <div className="terminal-failure" role="status">
      <span className="terminal-failure-text">
        {shown ? <code title={failure.command}>{shown}</code> : 'The command'} failed (exit {failure.exitCode}
        )
      </span>
      <Button variant="secondary" onClick={onFix}>
        Fix with AI
      </Button>
      <IconButton label="Dismiss" className="terminal-failure-dismiss" onClick={onDismiss}>
        ×
      </IconButton>
    </div>
  );
}
