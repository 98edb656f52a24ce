import { TreeSchema } from '@vaporform/contracts';
import { useQuery } from '@tanstack/react-query';
import { api, apiPath, request } from '../../platform/api';
import { queryKeys } from '../../platform/queryKeys';
import { joinPath } from './treeModel';

/** The project's file tree (the same cache entry quick open uses). */
export function useProjectTree(projectId: string) {
  return useQuery({
    queryKey: queryKeys.tree(projectId),
    queryFn: () => api(apiPath('projects', projectId, 'tree'), { schema: TreeSchema }),
  });
}

/** An empty file; `If-None-Match: *` so an existing file is never overwritten (409 instead). */
export async function createFile(projectId: string, path: string): Promise<void> {
  await request(apiPath('projects', projectId, 'files', path), {
    method: 'PUT',
    body: new Blob([], { type: 'text/plain' }),
    headers: { 'if-none-match': '*' },
  });
}

export async function createFolder(projectId: string, path: string): Promise<void> {
  await request(apiPath('projects', projectId, 'directories'), { method: 'POST', body: { path } });
}

export async function moveEntry(
  projectId: string,
  from: string,
  to: string,
  overwrite = false,
): Promise<void> {
  await request(apiPath('projects', projectId, 'move'), {
    method: 'POST',
    body: overwrite ? { from, to, overwrite } : { from, to },
  });
}

export async function deleteEntry(projectId: string, path: string): Promise<void> {
  await request(apiPath('projects', projectId, 'files', path), { method: 'DELETE' });
}

export function downloadUrl(projectId: string): string {
  return apiPath('projects', projectId, 'download');
}

/** A file to upload, with the folder (relative to the drop target) it goes into. */
export interface UploadItem {
  folder: string;
  file: File;
}

// The server takes at most 100 files per request.
const filesPerRequest = 50;

/** Uploads into `target`, one multipart request per folder (and per 50 files); creates empty folders too. */
export async function uploadFiles(
  projectId: string,
  target: string,
  items: readonly UploadItem[],
  folders: readonly string[] = [],
): Promise<number> {
  for (const folder of folders) await createFolder(projectId, joinPath(target, folder));
  const byFolder = new Map<string, File[]>();
  for (const item of items) byFolder.set(item.folder, [...(byFolder.get(item.folder) ?? []), item.file]);
  let uploaded = 0;
  for (const [folder, files] of byFolder) {
    for (let start = 0; start < files.length; start += filesPerRequest) {
      const form = new FormData();
      for (const file of files.slice(start, start + filesPerRequest)) form.append('file', file, file.name);
      const dir = joinPath(target, folder);
      await request(`${apiPath('projects', projectId, 'upload')}?dir=${encodeURIComponent(dir)}`, {
        method: 'POST',
        body: form,
      });
      uploaded += Math.min(filesPerRequest, files.length - start);
    }
  }
  return uploaded;
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

const fileOf = (entry: FileSystemFileEntry) =>
  new Promise<File>((resolve, reject) => entry.file(resolve, reject));

/**
 * The files (and folders) dropped from the operating system. Call synchronously in the drop handler: the
 * DataTransfer's items are only readable during the event.
 */
export function droppedItems(transfer: DataTransfer): Promise<{ items: UploadItem[]; folders: string[] }> {
  const entries = [...transfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  const plainFiles = [...transfer.files];
  return (async () => {
    if (entries.length === 0 || entries.some((entry) => entry === null)) {
      return { items: plainFiles.map((file) => ({ folder: '', file })), folders: [] };
    }
    const items: UploadItem[] = [];
    const folders: string[] = [];
    const walk = async (entry: FileSystemEntry, folder: string): Promise<void> => {
      if (entry.isFile) items.push({ folder, file: await fileOf(entry as FileSystemFileEntry) });
      else if (entry.isDirectory) {
        const path = joinPath(folder, entry.name);
        folders.push(path);
        for (const child of await readAllEntries((entry as FileSystemDirectoryEntry).createReader())) {
          await walk(child, path);
        }
      }
    };
    for (const entry of entries) await walk(entry!, '');
    return { items, folders };
  })();
}
