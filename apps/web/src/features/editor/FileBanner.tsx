import type { ReactNode } from 'react';
import { Button } from '../../ui/Button';
import { fileTabId, type EditorsController, type FileState } from './editorsController';
import { basename } from './language';

interface BannerAction {
  label: string;
  run: () => void;
  primary?: boolean;
  disabled?: boolean;
}

/**
 * The bar over an open file that needs a decision: a save refused because of a change on disk, a change
 * on disk while there are unsaved edits, or the file deleted on disk.
 */
export function FileBanner({
  controller,
  file,
  canWrite,
}: {
  controller: EditorsController;
  file: FileState;
  canWrite: boolean;
}) {
  if (file.status !== 'ready') return null;
  const name = <strong>{basename(file.path)}</strong>;
  const compare = { label: 'Compare', run: () => controller.compareWithDisk(file.path) };
  const reload = { label: 'Reload Theirs', run: () => void controller.revert(file.path) };
  if (file.conflict) {
    return (
      <Banner
        kind="conflict"
        actions={[
          {
            label: 'Overwrite',
            run: () => void controller.save(file.path, { overwrite: true }),
            primary: true,
            disabled: !canWrite,
          },
          reload,
          compare,
        ]}
      >
        Failed to save {name}: the file was changed on disk since you opened it. Overwrite it with your
        version, reload the version on disk, or compare the two.
      </Banner>
    );
  }
  if (file.changedOnDisk) {
    return (
      <Banner
        kind="changed"
        actions={[
          compare,
          reload,
          { label: 'Keep Mine', run: () => controller.dismissChangedOnDisk(file.path) },
        ]}
      >
        {name} was changed on disk while you have unsaved changes.
      </Banner>
    );
  }
  if (file.deletedOnDisk) {
    return (
      <Banner
        kind="deleted"
        actions={[{ label: 'Close Editor', run: () => controller.close(fileTabId(file.path)) }]}
      >
        {name} was deleted on disk.{canWrite && !file.shared ? ' Save to create it again.' : ''}
      </Banner>
    );
  }
  return null;
}

function Banner({
  kind,
  actions,
  children,
}: {
  kind: 'conflict' | 'changed' | 'deleted';
  actions: BannerAction[];
  children: ReactNode;
}) {
  return (
    <div className="editor-filebar" role="alert" data-kind={kind}>
      <span>{children}</span>
      <span className="editor-filebar-actions">
        {actions.map((action) => (
          <Button
            key={action.label}
            variant={action.primary ? 'primary' : 'secondary'}
            onClick={action.run}
            disabled={action.disabled}
          >
            {action.label}
          </Button>
        ))}
      </span>
    </div>
  );
}
