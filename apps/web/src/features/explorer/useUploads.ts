import { useState } from 'react';
import { useNotify } from '../../ui/Toasts';
import { uploadFiles, type UploadItem } from './explorerApi';
import { ancestors } from './treeModel';
import type { TreeState } from './useTreeState';

/** Uploads from the file picker or a drop, with progress and a toast saying how many files arrived. */
export function useUploads({
  projectId,
  canWrite,
  tree,
  refresh,
}: {
  projectId: string;
  canWrite: boolean;
  tree: TreeState;
  refresh: () => Promise<void>;
}) {
  const notify = useNotify();
  const [uploading, setUploading] = useState(false);
  // State, not a ref: menus built during render hand out the picker.
  const [input, setUploadInput] = useState<HTMLInputElement | null>(null);

  const upload = async (target: string, items: UploadItem[], folders: string[] = []) => {
    if (!canWrite || (items.length === 0 && folders.length === 0)) return;
    setUploading(true);
    try {
      const count = await uploadFiles(projectId, target, items, folders);
      if (target) tree.expand(target, ...ancestors(target));
      notify.info(`Uploaded ${count} file${count === 1 ? '' : 's'}${target ? ` to ${target}` : ''}.`);
    } catch (failure) {
      notify.error(failure);
    } finally {
      setUploading(false);
      await refresh();
    }
  };

  return {
    uploading,
    upload,
    /** The ref of the hidden `<input type="file">` that `pickFiles` opens. */
    setUploadInput,
    pickFiles: () => input?.click(),
  };
}
