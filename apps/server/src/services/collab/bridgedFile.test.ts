import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { AppError } from '../../platform/errors/AppError.js';
import { FilesService } from '../files/index.js';
import { BridgedFile, diskOrigin, type BridgedFileOptions } from './bridgedFile.js';

const projectId = '1f6a3a8e-58a4-4c8e-9b8c-0c6f5b0d7a01';

describe('BridgedFile', () => {
  let root: string;
  let files: FilesService;
  let writes: number;
  const opened: BridgedFile[] = [];

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'vaporform-bridge-'));
    files = new FilesService({ workspacesDir: root, scratchDir: path.join(root, 'tmp') });
    await mkdir(files.workspaceDir(projectId), { recursive: true });
    writes = 0;
  });

  afterEach(async () => {
    for (const file of opened.splice(0)) await file.release();
    await rm(root, { recursive: true, force: true });
  });

  const onDisk = (name: string) => path.join(files.workspaceDir(projectId), name);

  async function open(name: string, content: string | Buffer, options: Partial<BridgedFileOptions> = {}) {
    await writeFile(onDisk(name), content);
    const gone: AppError[] = [];
    const errors: unknown[] = [];
    const document = new Y.Doc();
    const file = await BridgedFile.open(document, {
      files: {
        read: (...args) => files.read(...args),
        write: (...args) => {
          writes++;
          return files.write(...args);
        },
      },
      projectId,
      path: name,
      maxBytes: 1024 * 1024,
      // Saves happen when a test flushes, unless it asks for the real timing.
      saveDelayMs: 60_000,
      maxSaveDelayMs: 60_000,
      onGone: (reason) => gone.push(reason),
      onSaved: () => undefined,
      onError: (error) => errors.push(error),
      ...options,
    });
    opened.push(file);
    return { file, document, text: file.text, gone, errors };
  }

  it('loads the file into the text and saves edits atomically on flush', async () => {
    const { file, text } = await open('a.txt', 'hello\n');
    expect(text.toJSON()).toBe('hello\n');
    text.insert(5, ', world');
    expect(file.dirty).toBe(true);
    expect(await readFile(onDisk('a.txt'), 'utf8')).toBe('hello\n');
    await file.flush();
    expect(file.dirty).toBe(false);
    expect(await readFile(onDisk('a.txt'), 'utf8')).toBe('hello, world\n');
  });

  it('merges a change on disk as a concurrent edit, keeping keystrokes not yet saved', async () => {
    const { file, text } = await open('b.ts', 'one\ntwo\nthree\n');
    text.insert(3, ' typed');
    // Someone else rewrites the file from what they saw on disk (without the unsaved keystrokes).
    await files.write(projectId, 'b.ts', Buffer.from('one\ntwo\nTHREE\n'));
    file.diskChanged();
    await file.flush();
    expect(text.toJSON()).toBe('one typed\ntwo\nTHREE\n');
    expect(await readFile(onDisk('b.ts'), 'utf8')).toBe('one typed\ntwo\nTHREE\n');
  });

  it('never overwrites a change it has not seen: a save that finds the file changed merges first', async () => {
    const { file, text } = await open('c.ts', 'a\nb\n');
    text.insert(0, '// mine\n');
    // The watcher has not reported this write yet when the save runs.
    await files.write(projectId, 'c.ts', Buffer.from('a\nb\n// theirs\n'));
    await file.flush();
    expect(await readFile(onDisk('c.ts'), 'utf8')).toBe('// mine\na\nb\n// theirs\n');
    expect(text.toJSON()).toBe('// mine\na\nb\n// theirs\n');
  });

  it('does not take its own writes for external changes', async () => {
    const { file, text, document } = await open('d.txt', 'x');
    let fromDisk = 0;
    document.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin === diskOrigin) fromDisk++;
    });
    text.insert(1, 'y');
    await file.flush();
    file.diskChanged();
    await file.flush();
    expect(fromDisk).toBe(0);
    expect(writes).toBe(1);
  });

  it('reports a deleted file gone and does not write it back', async () => {
    const { file, text, gone } = await open('e.txt', 'bye');
    text.insert(0, 'unsaved ');
    await unlink(onDisk('e.txt'));
    file.diskChanged();
    await file.flush();
    expect(gone.map((reason) => reason.code)).toEqual(['not_found']);
    expect(file.gone).toBe(true);
    await expect(readFile(onDisk('e.txt'))).rejects.toThrow(/ENOENT/);
  });

  it('takes a file that was replaced by delete-and-create as a change, not a deletion', async () => {
    const { file, text, gone } = await open('f.txt', 'v1');
    await unlink(onDisk('f.txt'));
    file.diskChanged();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(onDisk('f.txt'), 'v2');
    await file.flush();
    expect(gone).toEqual([]);
    expect(text.toJSON()).toBe('v2');
  });

  it('writes within the save bound while edits keep coming', async () => {
    const { text } = await open('g.txt', '', { saveDelayMs: 100, maxSaveDelayMs: 300 });
    const started = Date.now();
    while (Date.now() - started < 1_000) {
      text.insert(text.length, 'k');
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    // A pure debounce would not have written yet: keystrokes every 40 ms never leave 100 ms of quiet.
    expect(writes).toBeGreaterThanOrEqual(2);
    const typed = text.toJSON();
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await readFile(onDisk('g.txt'), 'utf8')).toBe(typed);
  });

  it('refuses files that are not UTF-8 text or are too large', async () => {
    await expect(open('h.bin', Buffer.from([0x66, 0x6f, 0xff, 0xfe, 0x6f]))).rejects.toMatchObject({
      code: 'unsupported_media_type',
    });
    await expect(open('i.txt', 'x'.repeat(2048), { maxBytes: 1024 })).rejects.toMatchObject({
      code: 'payload_too_large',
    });
  });
});
