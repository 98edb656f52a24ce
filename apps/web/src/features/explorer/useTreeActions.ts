import type { Project, TreeEntry } from '@vaporform/contracts';
import { useState } from 'react';
import { ApiError } from '../../platform/ApiError';
import { can } from '../../platform/projects';
import { useNotify } from '../../ui/Toasts';
import { useEditors } from '../editor';
import { createFile, createFolder, deleteEntry, downloadUrl, moveEntry } from './explorerApi';
import { ancestors, basename, childNames, dirname, isWithin, joinPath, validateName } from './treeModel';
import type { EntryRow, TreeState } from './useTreeState';

const isConflict = (failure: unknown) => failure instanceof ApiError && failure.code === 'conflict';

/**
 * What can be done to the project's files from the tree: create, rename, move, delete (each telling the
 * editors), download and copy paths. Creating and renaming resolve what the inline input should show.
 */
export function useTreeActions({
  project,
  entries,
  tree,
  refresh,
}: {
  project: Project;
  entries: readonly TreeEntry[];
  tree: TreeState;
  refresh: () => Promise<void>;
}) {
  const projectId = project.id;
  const editors = useEditors();
  const notify = useNotify();
  const canWrite = can(project, 'write');
  const [deleting, setDeleting] = useState<TreeEntry | null>(null);
  const [replacing, setReplacing] = useState<{ from: string; to: string } | null>(null);
  const [busy, setBusy] = useState(false);

  /** The folder new things go into: the selected folder, or the selected file's folder. */
  const targetFolder = (entry: TreeEntry | null | undefined = tree.selectedRow?.entry): string =>
    entry ? (entry.type === 'directory' ? entry.path : dirname(entry.path)) : '';

  /** Runs a create or rename: undefined when done, else what the input shows (null: a toast said it). */
  const named = async (operation: () => Promise<void>, clash: string): Promise<string | null | undefined> => {
    try {
      setBusy(true);
      await operation();
      return undefined;
    } catch (failure) {
      if (isConflict(failure)) return clash;
      notify.error(failure);
      return null;
    } finally {
      setBusy(false);
    }
  };

  const showMoved = async (from: string, to: string, focus: boolean) => {
    editors.renamed(from, to);
    tree.moved(from, to);
    tree.select(to, focus);
    await refresh();
  };

  const startCreate = (type: 'file' | 'directory', entry?: TreeEntry | null) => {
    if (!canWrite) return;
    const parent = targetFolder(entry === undefined ? tree.selectedRow?.entry : entry);
    if (parent) tree.expand(parent, ...ancestors(parent));
    tree.setRenaming(null);
    tree.setCreating({ parent, type });
  };

  const submitCreate = async (name: string): Promise<string | null> => {
    const creating = tree.creating;
    if (!creating) return null;
    const error = validateName(name, childNames(entries, creating.parent));
    if (error) return error;
    const path = joinPath(creating.parent, name.trim().replace(/\/+$/, ''));
    const folder = creating.type === 'directory' || name.trim().endsWith('/');
    const failed = await named(
      () => (folder ? createFolder(projectId, path) : createFile(projectId, path)),
      `A file or folder ${basename(path)} already exists at this location.`,
    );
    if (failed !== undefined) return failed;
    tree.setCreating(null);
    tree.expand(...ancestors(path));
    await refresh();
    tree.select(path);
    if (creating.type === 'file') editors.openFile(path);
    return null;
  };

  const submitRename = async (path: string, name: string): Promise<string | null> => {
    const trimmed = name.trim();
    if (trimmed === basename(path)) {
      tree.setRenaming(null);
      return null;
    }
    const error = validateName(trimmed, childNames(entries, dirname(path)), basename(path));
    if (error) return error;
    const to = joinPath(dirname(path), trimmed);
    const failed = await named(
      () => moveEntry(projectId, path, to),
      `A file or folder ${trimmed} already exists at this location.`,
    );
    if (failed !== undefined) return failed;
    tree.setRenaming(null);
    await showMoved(path, to, true);
    return null;
  };

  /** Drag and drop; a clash asks first (`replacing`), then moves again with `overwrite`. */
  const move = async (from: string, to: string, overwrite = false) => {
    try {
      await moveEntry(projectId, from, to, overwrite);
    } catch (failure) {
      if (isConflict(failure) && !overwrite) setReplacing({ from, to });
      else notify.error(failure);
      return;
    }
    if (overwrite) editors.deleted(to);
    await showMoved(from, to, false);
  };

  const remove = async (entry: TreeEntry) => {
    setDeleting(null);
    try {
      await deleteEntry(projectId, entry.path);
    } catch (failure) {
      notify.error(failure);
      return;
    }
    editors.deleted(entry.path);
    // The selection moves to the next row outside the deleted entry, else the one above.
    const rows = tree.rows.filter((row): row is EntryRow => row.kind === 'entry');
    const index = rows.findIndex((row) => row.entry.path === entry.path);
    const neighbour =
      rows.slice(index + 1).find((row) => !isWithin(row.entry.path, entry.path)) ?? rows[index - 1];
    if (neighbour) tree.select(neighbour.entry.path);
    await refresh();
  };

  const download = () => {
    const link = document.createElement('a');
    link.href = downloadUrl(projectId);
    link.download = `${project.slug}.zip`;
    document.body.append(link);
    link.click();
    link.remove();
  };

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      notify.error(new Error('The browser did not allow copying to the clipboard.'));
    }
  };

  return {
    busy,
    deleting,
    setDeleting,
    replacing,
    setReplacing,
    targetFolder,
    startCreate,
    submitCreate,
    submitRename,
    move,
    remove,
    download,
    copy,
  };
}

export type TreeActions = ReturnType<typeof useTreeActions>;
