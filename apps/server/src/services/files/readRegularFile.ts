import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Reads a file only if it is a regular file (not a symlink, FIFO or device) of at most `maxBytes`;
 * otherwise undefined. The walk, search and archive code use it on names they found by listing, which
 * may have been swapped for a link to `/dev/zero` or a pipe since.
 */
export async function readRegularFile(absolute: string, maxBytes: number): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
