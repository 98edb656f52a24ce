import { cp, lstat, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { SearchBody, SearchResult } from '@vaporform/contracts';
import mime from 'mime-types';
import { KeyedMutex } from '../../platform/concurrency/KeyedMutex.js';
import { AppError } from '../../platform/errors/AppError.js';
import { atomicWrite } from './atomicWrite.js';
import { etagOf, matchesEtag } from './etag.js';
import { searchWorkspace, isBinary } from './workspaceSearch.js';
import { fileError, WorkspacePath } from './workspacePath.js';
import { listTree } from './workspaceTree.js';
import { exportZip, importZip, type ZipLimits, defaultZipLimits } from './zipArchive.js';

export interface FilesServiceOptions {
  /** `<data>/workspaces`: one directory per project id. */
  workspacesDir: string;
  /** Scratch space on the same file system (zip staging). */
  scratchDir: string;
  maxFileBytes?: number;
  zipLimits?: ZipLimits;
}

export interface FileContent {
  path: string;
  content: Buffer;
  etag: string;
  contentType: string;
  binary: boolean;
}

export interface WriteResult {
  path: string;
  etag: string;
  size: number;
  created: boolean;
}

export interface WritePreconditions {
  /** The ETag the client last read; the write fails with `conflict` if the file changed since. */
  ifMatch?: string | undefined;
  /** `*` means "only create": the write fails with `conflict` if the file exists. */
  ifNoneMatch?: string | undefined;
}

const defaultMaxFileBytes = 10 * 1024 * 1024;
const textual = /^(text\/|application\/(json|javascript|xml|x-sh|toml|yaml))/;

/** By extension, except that text is never called video: `.ts` is TypeScript here, not MPEG-TS. */
function contentTypeOf(relative: string, binary: boolean): string {
  const guess = mime.lookup(relative);
  if (binary) return guess || 'application/octet-stream';
  return guess && textual.test(guess) ? guess : 'text/plain';
}

/**
 * The only writer of project workspaces on the server side. Every path goes through `WorkspacePath`;
 * writes are atomic and serialised per file so that If-Match checks cannot race.
 */
export class FilesService {
  private readonly writes = new KeyedMutex();
  readonly maxFileBytes: number;

  constructor(private readonly options: FilesServiceOptions) {
    this.maxFileBytes = options.maxFileBytes ?? defaultMaxFileBytes;
  }

  workspaceDir(projectId: string): string {
    return path.join(this.options.workspacesDir, projectId);
  }

  private workspace(projectId: string): WorkspacePath {
    return new WorkspacePath(this.workspaceDir(projectId));
  }

  /** Creates the workspace, seeded with a copy of `templateDir` (symlinks copied as links, not followed). */
  async createWorkspace(
    projectId: string,
    templateDir: string | undefined,
    exclude: string[] = [],
  ): Promise<void> {
    const root = this.workspaceDir(projectId);
    await mkdir(root, { recursive: true, mode: 0o755 });
    if (!templateDir) return;
    const skipped = new Set(exclude.map((name) => path.join(templateDir, name)));
    await cp(templateDir, root, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (source) => !skipped.has(source) && !source.split(path.sep).includes('node_modules'),
    });
  }

  async removeWorkspace(projectId: string): Promise<void> {
    await rm(this.workspaceDir(projectId), { recursive: true, force: true });
  }

  async tree(projectId: string, options: { all?: boolean; sizes?: boolean } = {}) {
    return listTree(this.workspaceDir(projectId), options);
  }

  async read(projectId: string, relative: string): Promise<FileContent> {
    const { handle, relative: normalized, size } = await this.workspace(projectId).openFile(relative);
    try {
      if (size > this.maxFileBytes) {
        throw new AppError(
          'payload_too_large',
          `'${normalized}' is ${size} bytes; the API reads files up to ${this.maxFileBytes}`,
        );
      }
      const content = await handle.readFile();
      const binary = isBinary(content);
      const type = contentTypeOf(normalized, binary);
      const charset = binary ? undefined : 'utf-8';
      return {
        path: normalized,
        content,
        etag: etagOf(content),
        contentType: charset ? `${type}; charset=${charset.toLowerCase()}` : type,
        binary,
      };
    } finally {
      await handle.close();
    }
  }

  async write(
    projectId: string,
    relative: string,
    content: Buffer,
    preconditions: WritePreconditions = {},
  ): Promise<WriteResult> {
    const workspace = this.workspace(projectId);
    const target = await workspace.resolve(relative);
    if (target.relative === '')
      throw new AppError('bad_request', 'Name a file to write, not the workspace root');
    if (content.length > this.maxFileBytes) {
      throw new AppError('payload_too_large', `Files are limited to ${this.maxFileBytes} bytes`);
    }
    return this.writes.run(`${projectId}:${target.relative}`, async () => {
      const existing = await lstat(target.absolute).catch(() => undefined);
      if (existing?.isDirectory())
        throw new AppError('bad_request', `'${target.relative}' is a directory, not a file`);
      // Hashing the current file is only needed to check a precondition.
      const checks = preconditions.ifMatch !== undefined || preconditions.ifNoneMatch !== undefined;
      const currentEtag =
        existing?.isFile() && checks ? (await this.read(projectId, target.relative)).etag : undefined;
      if (preconditions.ifMatch !== undefined && !matchesEtag(preconditions.ifMatch, currentEtag)) {
        throw new AppError(
          'conflict',
          currentEtag
            ? `'${target.relative}' changed since you read it (now ${currentEtag}); reload it and apply your change again`
            : `'${target.relative}' does not exist any more`,
        );
      }
      if (
        preconditions.ifNoneMatch !== undefined &&
        ((existing !== undefined && preconditions.ifNoneMatch.trim() === '*') ||
          matchesEtag(preconditions.ifNoneMatch, currentEtag))
      ) {
        throw new AppError('conflict', `'${target.relative}' already exists`);
      }
      await atomicWrite(workspace, target, content, existing?.isFile() ? existing : undefined);
      return { path: target.relative, etag: etagOf(content), size: content.length, created: !existing };
    });
  }

  async mkdir(projectId: string, relative: string): Promise<{ path: string; created: boolean }> {
    const target = await this.workspace(projectId).resolve(relative);
    const existing = await lstat(target.absolute).catch(() => undefined);
    if (existing && !existing.isDirectory())
      throw new AppError('conflict', `'${target.relative}' exists and is not a directory`);
    await mkdir(target.absolute, { recursive: true }).catch((error: unknown) => {
      throw fileError(error, target.relative);
    });
    return { path: target.relative, created: !existing };
  }

  async move(
    projectId: string,
    from: string,
    to: string,
    options: { overwrite?: boolean } = {},
  ): Promise<{ from: string; to: string }> {
    const workspace = this.workspace(projectId);
    const source = await workspace.resolveEntry(from);
    const destination = await workspace.resolveEntry(to);
    if (source.relative === '' || destination.relative === '')
      throw new AppError('bad_request', 'The workspace root cannot be moved');
    if (destination.relative === source.relative || destination.relative.startsWith(`${source.relative}/`)) {
      throw new AppError('bad_request', `Cannot move '${source.relative}' into itself`);
    }
    await lstat(source.absolute).catch((error: unknown) => {
      throw fileError(error, source.relative);
    });
    const occupied = await lstat(destination.absolute).catch(() => undefined);
    if (occupied && !options.overwrite)
      throw new AppError('conflict', `'${destination.relative}' already exists`);
    await mkdir(path.dirname(destination.absolute), { recursive: true });
    await workspace.resolve(
      path.posix.dirname(destination.relative) === '.' ? '' : path.posix.dirname(destination.relative),
    );
    await rename(source.absolute, destination.absolute).catch((error: unknown) => {
      throw fileError(error, destination.relative);
    });
    return { from: source.relative, to: destination.relative };
  }

  async delete(projectId: string, relative: string): Promise<void> {
    const target = await this.workspace(projectId).resolveEntry(relative);
    if (target.relative === '') throw new AppError('bad_request', 'The workspace root cannot be deleted');
    await lstat(target.absolute).catch((error: unknown) => {
      throw fileError(error, target.relative);
    });
    // rm never follows symlinks: deleting a link removes the link, not what it points to.
    await rm(target.absolute, { recursive: true, force: false });
  }

  async search(projectId: string, body: SearchBody): Promise<SearchResult> {
    return searchWorkspace(this.workspaceDir(projectId), body);
  }

  exportZip(projectId: string): Readable {
    return exportZip(this.workspaceDir(projectId));
  }

  async importZip(projectId: string, zipFile: string): Promise<{ files: number }> {
    await mkdir(this.options.scratchDir, { recursive: true });
    return importZip(
      zipFile,
      this.options.scratchDir,
      {
        check: async (relative, kind) => {
          const target = await this.workspace(projectId).resolve(relative);
          const existing = await lstat(target.absolute).catch(() => undefined);
          if (existing && existing.isDirectory() !== (kind === 'directory')) {
            throw new AppError(
              'conflict',
              `The archive's '${target.relative}' clashes with a ${existing.isDirectory() ? 'folder' : 'file'} of that name in the workspace`,
            );
          }
        },
        mkdir: async (relative) => void (await this.mkdir(projectId, relative)),
        writeFile: async (relative, content) => void (await this.write(projectId, relative, content)),
      },
      this.options.zipLimits ?? defaultZipLimits,
    );
  }
}
