import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { TreeEntry } from '@vaporform/contracts';
import { walkWorkspace, type WalkOptions } from './workspaceWalk.js';

export const maxTreeEntries = 20_000;

/**
 * The nested tree the explorer shows, read from directory entries alone. File sizes cost a stat per file
 * (most of the time on large trees), so they come only when asked for.
 */
export async function listTree(
  root: string,
  options: WalkOptions & { maxEntries?: number; sizes?: boolean } = {},
): Promise<{ root: TreeEntry[]; truncated: boolean }> {
  const limit = options.maxEntries ?? maxTreeEntries;
  const top: TreeEntry[] = [];
  const directories = new Map<string, TreeEntry[]>([['', top]]);
  let count = 0;
  const files: { entry: TreeEntry; absolute: string }[] = [];
  for await (const { relative, dirent } of walkWorkspace(root, options)) {
    if (++count > limit) return { root: top, truncated: true };
    const type = dirent.isSymbolicLink() ? 'symlink' : dirent.isDirectory() ? 'directory' : 'file';
    const entry: TreeEntry = { name: dirent.name, path: relative, type };
    if (type === 'directory') {
      entry.children = [];
      directories.set(relative, entry.children);
    } else if (type === 'file' && options.sizes) {
      files.push({ entry, absolute: path.join(root, relative) });
    }
    directories.get(path.posix.dirname(relative) === '.' ? '' : path.posix.dirname(relative))?.push(entry);
  }
  // Stats in parallel batches: a serial stat per file would dominate large listings.
  for (let index = 0; index < files.length; index += 256) {
    await Promise.all(
      files.slice(index, index + 256).map(async ({ entry, absolute }) => {
        entry.size = (await lstat(absolute).catch(() => undefined))?.size ?? 0;
      }),
    );
  }
  return { root: top, truncated: false };
}
