import { constants, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { AppError } from '../../platform/errors/AppError.js';
import { normalizeRelativePath } from './workspacePath.js';
import { walkWorkspace } from './workspaceWalk.js';

export interface ZipLimits {
  maxEntries: number;
  maxTotalBytes: number;
  /** Uncompressed / compressed; a zip bomb compresses far better than real source. */
  maxCompressionRatio: number;
}

export const defaultZipLimits: ZipLimits = {
  maxEntries: 20_000,
  maxTotalBytes: 512 * 1024 * 1024,
  maxCompressionRatio: 200,
};

const noFollow = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Streams the workspace as a zip (what the explorer shows: ignored paths stay out). Files are opened one
 * at a time as the archive reaches them, never through a symlink; any failure (a file deleted mid-way,
 * out of descriptors) ends the download with an error instead of taking the process down.
 */
export function exportZip(root: string): Readable {
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as Readable;
  const fail = (error: Error) => output.destroy(error);
  zip.on('error', fail);
  void (async () => {
    try {
      for await (const { relative, dirent } of walkWorkspace(root)) {
        if (dirent.isFile()) {
          zip.addReadStreamLazy(relative, {}, (ready) => {
            open(path.join(root, relative), noFollow).then(
              (handle) => {
                const stream = handle.createReadStream();
                stream.on('error', fail);
                ready(null, stream);
              },
              (error: Error) => ready(error, undefined as never),
            );
          });
        } else if (dirent.isDirectory()) {
          zip.addEmptyDirectory(relative);
        }
      }
      zip.end();
    } catch (error) {
      fail(error as Error);
    }
  })();
  return output;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (error, zip) =>
      error || !zip
        ? reject(new AppError('bad_request', 'The upload is not a readable zip archive', { cause: error }))
        : resolve(zip),
    ),
  );
}

/** Where extracted entries go; the files service writes them with its own path checks. */
export interface ImportSink {
  /** Throws when the entry cannot land (e.g. a file where the workspace has a folder); runs before any write. */
  check(relative: string, kind: 'file' | 'directory'): Promise<void>;
  mkdir(relative: string): Promise<void>;
  writeFile(relative: string, content: Buffer): Promise<void>;
}

/**
 * Extracts into a staging directory first and only merges into the workspace when the whole archive
 * passed every check, so a rejected archive (traversal, bomb, too many entries) leaves nothing behind.
 * A single top-level folder (as GitHub's downloads have) is unwrapped.
 */
export async function importZip(
  zipFile: string,
  stagingParent: string,
  sink: ImportSink,
  limits = defaultZipLimits,
) {
  const staging = await mkdtemp(path.join(stagingParent, 'import-'));
  try {
    const names = await extractTo(zipFile, staging, limits);
    const prefix = commonTopFolder(names);
    const targets = names
      .map((name) => ({ name, relative: prefix ? name.slice(prefix.length + 1) : name }))
      .filter(({ relative }) => relative !== '' && relative !== '/');
    for (const { relative } of targets) {
      await sink.check(relative.replace(/\/$/, ''), relative.endsWith('/') ? 'directory' : 'file');
    }
    let files = 0;
    for (const { name } of targets) {
      const relative = prefix ? name.slice(prefix.length + 1) : name;
      if (name.endsWith('/')) {
        await sink.mkdir(relative.slice(0, -1));
      } else {
        await sink.writeFile(relative, await readFile(path.join(staging, name)));
        files++;
      }
    }
    return { files };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function commonTopFolder(names: string[]): string | undefined {
  const tops = new Set(names.map((name) => name.split('/')[0]));
  const [only] = tops;
  return tops.size === 1 && only && names.every((name) => name.startsWith(`${only}/`)) ? only : undefined;
}

async function extractTo(zipFile: string, staging: string, limits: ZipLimits): Promise<string[]> {
  const zip = await openZip(zipFile);
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new AppError(
      'payload_too_large',
      `The archive has ${zip.entryCount} entries; the limit is ${limits.maxEntries}`,
    );
  }
  const names: string[] = [];
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (error: Error) =>
        reject(new AppError('bad_request', 'The zip archive is corrupt', { cause: error })),
      );
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          const name = entry.fileName;
          const isDirectory = name.endsWith('/');
          let relative: string;
          try {
            relative = normalizeRelativePath(name);
          } catch {
            throw new AppError('bad_request', `The archive entry '${name}' would land outside the workspace`);
          }
          // Symlinks in archives (unix mode 0o120000) could point anywhere; they are not extracted.
          const unixMode = (entry.externalFileAttributes >>> 16) & 0o170000;
          if (unixMode === 0o120000)
            throw new AppError('bad_request', `The archive entry '${name}' is a symbolic link`);
          total += entry.uncompressedSize;
          if (total > limits.maxTotalBytes)
            throw new AppError('payload_too_large', 'The archive expands beyond the size limit');
          if (
            entry.compressedSize > 0 &&
            entry.uncompressedSize / entry.compressedSize > limits.maxCompressionRatio
          ) {
            throw new AppError(
              'payload_too_large',
              `The archive entry '${name}' compresses suspiciously well (zip bomb?)`,
            );
          }
          names.push(isDirectory ? `${relative}/` : relative);
          await stageEntry(zip, entry, path.join(staging, relative), isDirectory).catch((error: unknown) => {
            const code = (error as NodeJS.ErrnoException).code;
            if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
              throw new AppError(
                'bad_request',
                `The archive has duplicate or conflicting entries at '${name}'`,
              );
            }
            throw error;
          });
          zip.readEntry();
        })().catch(reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return names;
}

async function stageEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, destination: string, isDirectory: boolean) {
  if (isDirectory) {
    await mkdir(destination, { recursive: true });
    return;
  }
  await mkdir(path.dirname(destination), { recursive: true });
  const stream = await new Promise<Readable>((ok, fail) =>
    zip.openReadStream(entry, (error, readable) =>
      error || !readable ? fail(error ?? new Error('no stream for entry')) : ok(readable),
    ),
  );
  await pipeline(stream, createWriteStream(destination, { flags: 'wx' }));
}
