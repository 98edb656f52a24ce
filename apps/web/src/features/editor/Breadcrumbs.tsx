import type { FileState, Tab } from './editorsController';

const sharedText = {
  synced: 'Shared · Saved',
  unsynced: 'Shared · Syncing…',
  offline: 'Shared · Offline, changes kept here',
} as const;

function saveStateOf(file: FileState | undefined, canWrite: boolean): string {
  if (!file) return '';
  if (file.status !== 'ready') return '';
  if (file.shared) {
    if (file.deletedOnDisk) return 'Deleted on disk';
    return file.readOnly && canWrite ? `${sharedText[file.shared]} · Read-only` : sharedText[file.shared];
  }
  if (file.saving) return 'Saving…';
  if (file.conflict) return 'Not saved: changed on disk';
  if (file.deletedOnDisk) return file.dirty ? 'Unsaved (deleted on disk)' : 'Deleted on disk';
  if (file.dirty) return 'Unsaved changes';
  return canWrite ? 'Saved' : 'Read-only';
}

/** The active tab's path above the editor, with whether it is saved (announced as a status). */
export function Breadcrumbs({
  tab,
  file,
  canWrite,
}: {
  tab: Tab;
  file: FileState | undefined;
  canWrite: boolean;
}) {
  const parts = tab.path.split('/');
  return (
    <div className="editor-breadcrumbs">
      <nav aria-label="Breadcrumbs" className="editor-breadcrumbs-path">
        {parts.map((part, index) => (
          <span key={index} className="editor-breadcrumb">
            {part}
          </span>
        ))}
        {tab.kind === 'diff' && (
          <span className="editor-breadcrumbs-diff">
            {tab.originalLabel} ↔ {tab.modifiedLabel}
          </span>
        )}
      </nav>
      {!canWrite && <span className="editor-badge">Read-only</span>}
      {tab.kind === 'file' && (
        <span
          className="editor-save-state"
          role="status"
          aria-label="Save state"
          data-state={file?.dirty ? 'dirty' : 'clean'}
          data-shared={file?.shared ?? undefined}
        >
          {saveStateOf(file, canWrite)}
        </span>
      )}
    </div>
  );
}
