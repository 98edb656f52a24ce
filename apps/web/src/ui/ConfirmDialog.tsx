import type { ReactNode } from 'react';
import { Button } from './Button';
import { Dialog } from './Dialog';
import { ErrorNotice } from './ErrorNotice';

/** Asks before something destructive is done to `subject`; open while there is one. */
export function ConfirmDialog<T>({
  subject,
  title,
  confirm,
  autoFocus,
  busy,
  error,
  onConfirm,
  onCancel,
  children,
}: {
  subject: T | null;
  title: string;
  /** The label of the (danger) button that goes ahead. */
  confirm: string;
  autoFocus?: boolean;
  /** While going ahead runs; the dialog stays open so that a failure can show in it. */
  busy?: boolean;
  error?: unknown;
  onConfirm: (subject: T) => void;
  onCancel: () => void;
  /** The question. */
  children: (subject: T) => ReactNode;
}) {
  return (
    <Dialog open={subject !== null} title={title} onClose={onCancel}>
      {subject !== null && (
        <>
          {children(subject)}
          <ErrorNotice error={error} />
          <div className="dialog-actions">
            <Button variant="danger" autoFocus={autoFocus} busy={busy} onClick={() => onConfirm(subject)}>
              {confirm}
            </Button>
            <Button variant="secondary" onClick={onCancel}>
              Cancel
            </Button>
          </div>
        </>
      )}
    </Dialog>
  );
}
