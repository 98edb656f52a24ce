import { IconButton } from '../../ui/Button';
import { Icon, type IconName } from './icons';

interface ToolbarButton {
  label: string;
  icon: IconName;
  run: () => void;
  disabled?: boolean;
}

/** The buttons in the explorer's title bar; a reader gets only those that change nothing. */
export function ExplorerToolbar({
  canWrite,
  uploading,
  onNewFile,
  onNewFolder,
  onUpload,
  onRefresh,
  onCollapseAll,
  onDownload,
}: {
  canWrite: boolean;
  uploading: boolean;
  onNewFile: () => void;
  onNewFolder: () => void;
  onUpload: () => void;
  onRefresh: () => void;
  onCollapseAll: () => void;
  onDownload: () => void;
}) {
  const editing: ToolbarButton[] = [
    { label: 'New File', icon: 'newFile', run: onNewFile },
    { label: 'New Folder', icon: 'newFolder', run: onNewFolder },
    { label: 'Upload Files', icon: 'upload', run: onUpload, disabled: uploading },
  ];
  const buttons: ToolbarButton[] = [
    ...(canWrite ? editing : []),
    { label: 'Refresh Explorer', icon: 'refresh', run: onRefresh },
    { label: 'Collapse All', icon: 'collapse', run: onCollapseAll },
    { label: 'Download Project as Zip', icon: 'download', run: onDownload },
  ];
  return (
    <div className="explorer-toolbar" role="toolbar" aria-label="Explorer actions">
      {buttons.map((button) => (
        <IconButton key={button.label} label={button.label} onClick={button.run} disabled={button.disabled}>
          <Icon name={button.icon} />
        </IconButton>
      ))}
    </div>
  );
}
