import { lchown, lstat, opendir } from 'node:fs/promises';
import path from 'node:path';
import { containerUser } from './containerRuntime.js';

const ownedTrees = new Set(['node_modules', '.venv', '__pycache__', '.git']);

/**
 * Hands the workspace to the container user: whatever the server wrote as root (template files, imports,
 * checkpoint restores) becomes editable inside the container. Only a root server can, and only needs to;
 * symlinks are changed themselves (`lchown`), never followed. Returns how many entries changed owner.
 */
export async function claimWorkspace(workspaceDir: string, owner = containerUser): Promise<number> {
  if (process.getuid?.() !== 0) return 0;
  let changed = 0;
  const visit = async (entry: string): Promise<void> => {
    const stats = await lstat(entry).catch(() => null);
    if (!stats) return;
    if (stats.uid !== owner.uid || stats.gid !== owner.gid) {
      await lchown(entry, owner.uid, owner.gid).catch(() => undefined);
      changed++;
    }
    if (!stats.isDirectory()) return;
    // Trees the container builds for itself (thousands of files, all its own already): not walked.
    if (ownedTrees.has(path.basename(entry)) && stats.uid === owner.uid) return;
    const directory = await opendir(entry).catch(() => null);
    if (!directory) return;
    const children: string[] = [];
    for await (const child of directory) children.push(path.join(entry, child.name));
    // Depth-first, a directory's children side by side: fast on big trees without opening too many files.
    for (let index = 0; index < children.length; index += 64) {
      await Promise.all(children.slice(index, index + 64).map(visit));
    }
  };
  await visit(workspaceDir);
  return changed;
}
