import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import type { CloseChoice, EditorsController, Tab } from './editorsController';
import { basename } from './language';

/** Save / Don't Save / Cancel for a tab closed with unsaved changes (`pending`). */
export function SaveChangesDialog({
  controller,
  pending,
}: {
  controller: EditorsController;
  pending: Tab | null;
}) {
  const resolve = (choice: CloseChoice) => () => void controller.resolvePendingClose(choice);
  return (
    <Dialog open={pending !== null} title="Save changes?" onClose={resolve('cancel')}>
      {pending && (
        <>
          <p>
            Do you want to save the changes you made to <strong>{basename(pending.path)}</strong>?
          </p>
          <p className="editor-dialog-hint">Your changes will be lost if you don&apos;t save them.</p>
          <div className="dialog-actions">
            <Button onClick={resolve('save')}>Save</Button>
            <Button variant="secondary" onClick={resolve('discard')}>
              Don&apos;t Save
            </Button>
            <Button variant="secondary" onClick={resolve('cancel')}>
              Cancel
            </Button>
          </div>
        </>
      )}
    </Dialog>
  );
}
