import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fileError, type WorkspacePath } from './workspacePath.js';

/**
 * Replaces a file so that readers see the old content or the new, never a mix, and a crash leaves one of
 * the two on disk: write a temporary file beside it, flush it, rename it over the target, flush the
 * directory. The temporary file is created exclusively and never through a symlink.
 */
export async function atomicWrite(
  workspace: WorkspacePath,
  /** Already resolved by the caller; the descriptor check below re-verifies where the write lands. */
  target: { relative: string; absolute: string },
  content: Buffer,
  replacing: { mode: number; uid: number; gid: number } | undefined,
): Promise<void> {
  const directory = path.dirname(target.absolute);
  await mkdir(directory, { recursive: true }).catch((error: unknown) => {
    throw fileError(error, path.posix.dirname(target.relative));
  });
  const temporary = path.join(
    directory,
    `.${path.basename(target.absolute)}.${randomBytes(6).toString('hex')}.vf-tmp`,
  );
  const handle = await open(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    replacing ? replacing.mode & 0o777 : 0o644,
  );
  try {
    await workspace.assertDescriptorInside(handle);
    // The replacement keeps the owner of what it replaces (the container user, once containers write too).
    if (replacing) {
      await handle.chmod(replacing.mode & 0o777);
      await handle.chown(replacing.uid, replacing.gid).catch(() => undefined);
    }
    await handle.writeFile(content);
    await handle.datasync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, target.absolute);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw fileError(error, target.relative);
  }
  const directoryHandle = await open(directory, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await directoryHandle.sync();
  } finally {
    await directoryHandle.close();
  }
}
