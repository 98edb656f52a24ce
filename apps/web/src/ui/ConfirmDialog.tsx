import type { ReactNode } from 'react';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';

/** Asks before something destructive is done to `subject`; open while there is one. */
export function ConfirmDialog<T>({
  subject,
  title,
  confirm,
  autoFocus,
  onConfirm,
  onCancel,
  children,
}: {
  subject: T | null;
  title: string;
  /** The label of the (danger) button that goes ahead. */
  confirm: string;
  autoFocus?: boolean;
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
          <div className="dialog-actions">
            <Button variant="danger" autoFocus={autoFocus} onClick={() => onConfirm(subject)}>
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
