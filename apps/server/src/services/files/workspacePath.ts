import { constants } from 'node:fs';
import { lstat, open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../platform/errors/AppError.js';

const maxPathLength = 1024;
const maxSegmentLength = 255;

/**
 * Turns a client-supplied path into a workspace-relative one, or refuses it. Only plain relative paths
 * survive: no NUL bytes, no `..`, no absolute or drive paths, no backslashes (which other systems read as
 * separators). `.` segments and repeated slashes are folded. The result uses `/` and has no leading slash;
 * the empty string is the workspace root.
 */
export function normalizeRelativePath(input: string): string {
  if (input.length > maxPathLength) throw invalid('is too long');
  if (input.includes('\0')) throw invalid('contains a NUL byte');
  if (input.includes('\\')) throw invalid('contains a backslash');
  if (input.startsWith('/') || /^[A-Za-z]:/.test(input)) throw invalid('must be relative to the workspace');
  const segments: string[] = [];
  for (const segment of input.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') throw invalid('must not contain ..');
    if (segment.length > maxSegmentLength) throw invalid('has a name longer than 255 bytes');
    segments.push(segment);
  }
  return segments.join('/');
}

function invalid(reason: string): AppError {
  return new AppError('bad_request', `Invalid path: it ${reason}`);
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + path.sep);
}

const escapes = () => new AppError('forbidden', 'That path leads outside the workspace');

/**
 * One project's workspace directory and the only way the server touches files in it. Every path is
 * normalised, then checked against where it really leads: symlinks may point anywhere inside the
 * workspace but never out of it, and files with other hard links are refused because their other names
 * may lie outside. Opening re-checks through the file descriptor, so a symlink swapped in between the
 * check and the open is caught.
 */
export class WorkspacePath {
  private rootReal: string | undefined;

  constructor(readonly root: string) {}

  /** The absolute path for a client path, after the lexical checks. Does not touch the disk. */
  lexical(relative: string): { relative: string; absolute: string } {
    const normalized = normalizeRelativePath(relative);
    return {
      relative: normalized,
      absolute: normalized === '' ? this.root : path.join(this.root, normalized),
    };
  }

  async realRoot(): Promise<string> {
    this.rootReal ??= await realpath(this.root);
    return this.rootReal;
  }

  /**
   * Resolves a path whose target may not exist yet: the deepest existing ancestor (following symlinks)
   * must be inside the workspace, and the final component, if it exists, must not be a symlink leading out.
   */
  async resolve(relative: string): Promise<{ relative: string; absolute: string }> {
    const target = this.lexical(relative);
    const root = await this.realRoot();
    let probe = target.absolute;
    for (;;) {
      try {
        const real = await realpath(probe);
        if (!isInside(root, real)) throw escapes();
        break;
      } catch (error) {
        if (error instanceof AppError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
        // A dangling symlink must not become a way out once its target is created.
        const link = await lstat(probe).catch(() => undefined);
        if (link?.isSymbolicLink()) {
          const destination = path.resolve(path.dirname(probe), await readlink(probe));
          if (!isInside(root, destination)) throw escapes();
        }
        const parent = path.dirname(probe);
        if (parent === probe) throw escapes();
        probe = parent;
      }
    }
    return target;
  }

  /**
   * Resolves a path for operations on the entry itself (delete, rename): its parent must lead inside the
   * workspace, but the last component is not followed, so a symlink pointing anywhere can be removed or
   * renamed without touching its target.
   */
  async resolveEntry(relative: string): Promise<{ relative: string; absolute: string }> {
    const target = this.lexical(relative);
    if (target.relative === '') return target;
    const parent = await this.resolve(
      path.posix.dirname(target.relative) === '.' ? '' : path.posix.dirname(target.relative),
    );
    return {
      relative: target.relative,
      absolute: path.join(parent.absolute, path.posix.basename(target.relative)),
    };
  }

  /**
   * Opens an existing file for reading (or read-write) without following a symlink in the last
   * component, then asks the kernel where the descriptor really points.
   */
  async openFile(
    relative: string,
    mode: 'read' | 'readwrite' = 'read',
  ): Promise<{ handle: FileHandle; relative: string; size: number }> {
    // No realpath walk first: the descriptor check below is what decides, and it cannot be raced.
    const target = this.lexical(relative);
    const flags = (mode === 'read' ? constants.O_RDONLY : constants.O_RDWR) | constants.O_NOFOLLOW;
    let handle: FileHandle;
    try {
      handle = await open(target.absolute, flags);
    } catch (error) {
      throw fileError(error, target.relative);
    }
    try {
      await this.assertDescriptorInside(handle);
      const stat = await handle.stat();
      if (stat.isDirectory())
        throw new AppError('bad_request', `'${target.relative}' is a directory, not a file`);
      if (!stat.isFile()) throw new AppError('bad_request', `'${target.relative}' is not a regular file`);
      if (stat.nlink > 1)
        throw new AppError('forbidden', `'${target.relative}' has other hard links; refusing to touch it`);
      return { handle, relative: target.relative, size: stat.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async assertDescriptorInside(handle: FileHandle): Promise<void> {
    const actual = await readlink(`/proc/self/fd/${handle.fd}`);
    if (!isInside(await this.realRoot(), actual)) throw escapes();
  }
}

/** Maps the file-system errors a client can cause to the error model. */
export function fileError(error: unknown, relative: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return AppError.notFound(`'${relative}'`);
  if (code === 'ELOOP')
    return new AppError('forbidden', `'${relative}' is a symbolic link; open its target instead`);
  if (code === 'EISDIR') return new AppError('bad_request', `'${relative}' is a directory, not a file`);
  if (code === 'EEXIST') return new AppError('conflict', `'${relative}' already exists`);
  if (code === 'ENOTEMPTY') return new AppError('conflict', `'${relative}' is not empty`);
  if (code === 'ENAMETOOLONG') return new AppError('bad_request', `'${relative}' is too long a path`);
  return error;
}
