import type { TreeEntry } from '@vaporform/contracts';
import { useCommand } from '../../platform/commands';
import type { MenuGroups } from './ContextMenu';
import type { TreeActions } from './useTreeActions';
import type { TreeState } from './useTreeState';

/**
 * The explorer's commands in the palette, and its context menu (for an entry, or for the empty space
 * below the rows when `entry` is null).
 */
export function useExplorerCommands({
  canWrite,
  tree,
  actions,
  refresh,
  pickFiles,
  openFile,
}: {
  canWrite: boolean;
  tree: TreeState;
  actions: TreeActions;
  refresh: () => Promise<void>;
  pickFiles: () => void;
  openFile: (path: string) => void;
}): (entry: TreeEntry | null) => MenuGroups {
  useCommand({
    id: 'explorer.newFile',
    title: 'New File…',
    category: 'File',
    run: () => actions.startCreate('file'),
    enabled: () => canWrite,
  });
  useCommand({
    id: 'explorer.newFolder',
    title: 'New Folder…',
    category: 'File',
    run: () => actions.startCreate('directory'),
    enabled: () => canWrite,
  });
  useCommand({
    id: 'workbench.files.action.refreshFilesExplorer',
    title: 'Refresh Explorer',
    category: 'File',
    run: () => void refresh(),
  });
  useCommand({
    id: 'workbench.files.action.collapseExplorerFolders',
    title: 'Collapse Folders in Explorer',
    category: 'View',
    run: tree.collapseAll,
  });
  useCommand({
    id: 'workbench.action.files.downloadProject',
    title: 'Download Project as Zip',
    category: 'File',
    run: actions.download,
  });

  return (entry) => {
    const groups: MenuGroups = [];
    if (entry?.type !== 'directory' && entry)
      groups.push([{ label: 'Open', run: () => openFile(entry.path) }]);
    if (canWrite) {
      groups.push([
        { label: 'New File…', run: () => actions.startCreate('file', entry) },
        { label: 'New Folder…', run: () => actions.startCreate('directory', entry) },
        { label: 'Upload Files…', run: pickFiles },
      ]);
    }
    groups.push([{ label: 'Download Project as Zip', run: actions.download }]);
    if (entry) {
      groups.push([
        { label: 'Copy Path', run: () => void actions.copy(`/workspace/${entry.path}`) },
        { label: 'Copy Relative Path', run: () => void actions.copy(entry.path) },
      ]);
      if (canWrite) {
        groups.push([
          { label: 'Rename…', hint: 'F2', run: () => tree.setRenaming(entry.path) },
          { label: 'Delete', hint: 'Delete', run: () => actions.setDeleting(entry) },
        ]);
      }
    } else {
      groups.push([
        { label: 'Refresh', run: () => void refresh() },
        { label: 'Collapse All', run: tree.collapseAll },
      ]);
    }
    return groups;
  };
}
