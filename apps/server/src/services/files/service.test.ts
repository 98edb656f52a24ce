import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import type { VaporformEvents } from '@vaporform/contracts';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../platform/events/InProcessEventBus.js';
import { FilesService } from './service.js';
import { WorkspaceWatcher } from './workspaceWatcher.js';

async function zipOf(entries: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  return buffer(zip.outputStream);
}

describe('FilesService', () => {
  let base: string;
  let files: FilesService;
  const projectId = randomUUID();

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'vaporform-files-'));
    files = new FilesService({
      workspacesDir: path.join(base, 'workspaces'),
      scratchDir: path.join(base, 'scratch'),
      maxFileBytes: 4 * 1024 * 1024,
      zipLimits: { maxEntries: 50, maxTotalBytes: 8 * 1024 * 1024, maxCompressionRatio: 100 },
    });
    await files.createWorkspace(projectId, undefined);
  });
  afterAll(async () => rm(base, { recursive: true, force: true }));

  it('writes atomically, reads back with a content ETag, and refuses a stale If-Match', async () => {
    const first = await files.write(projectId, 'src/index.ts', Buffer.from('console.log(1);\n'));
    expect(first).toMatchObject({ path: 'src/index.ts', created: true });
    const read = await files.read(projectId, 'src/index.ts');
    expect(read.content.toString()).toBe('console.log(1);\n');
    expect(read.etag).toBe(first.etag);
    expect(read.contentType).toMatch(/typescript|text\/plain/);

    const second = await files.write(projectId, 'src/index.ts', Buffer.from('console.log(2);\n'), {
      ifMatch: first.etag,
    });
    expect(second.created).toBe(false);
    await expect(
      files.write(projectId, 'src/index.ts', Buffer.from('lost update\n'), { ifMatch: first.etag }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await files.read(projectId, 'src/index.ts')).content.toString()).toBe('console.log(2);\n');
    const leftovers = (await readdir(path.join(files.workspaceDir(projectId), 'src'))).filter((name) =>
      name.endsWith('.vf-tmp'),
    );
    expect(leftovers).toEqual([]);
  });

  it('lets exactly one of two racing writers with the same If-Match win', async () => {
    const { etag } = await files.write(projectId, 'race.txt', Buffer.from('v0'));
    const results = await Promise.allSettled([
      files.write(projectId, 'race.txt', Buffer.from('from A'), { ifMatch: etag }),
      files.write(projectId, 'race.txt', Buffer.from('from B'), { ifMatch: etag }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });

  it('creates only when asked with If-None-Match: *', async () => {
    await files.write(projectId, 'once.txt', Buffer.from('1'), { ifNoneMatch: '*' });
    await expect(
      files.write(projectId, 'once.txt', Buffer.from('2'), { ifNoneMatch: '*' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('refuses to write over a directory and to read one', async () => {
    await files.mkdir(projectId, 'folder');
    await expect(files.write(projectId, 'folder', Buffer.from('x'))).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(files.read(projectId, 'folder')).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('moves, refuses to overwrite unless asked, and deletes folders', async () => {
    await files.write(projectId, 'docs/a.md', Buffer.from('# A'));
    await files.write(projectId, 'docs/b.md', Buffer.from('# B'));
    await expect(files.move(projectId, 'docs/a.md', 'docs/b.md')).rejects.toMatchObject({ code: 'conflict' });
    await files.move(projectId, 'docs/a.md', 'notes/a.md');
    expect((await files.read(projectId, 'notes/a.md')).content.toString()).toBe('# A');
    await expect(files.move(projectId, 'docs', 'docs/inner')).rejects.toMatchObject({ code: 'bad_request' });
    await files.delete(projectId, 'docs');
    await expect(files.read(projectId, 'docs/b.md')).rejects.toMatchObject({ code: 'not_found' });
    await expect(files.delete(projectId, '')).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('deletes and renames a symlink that points outside without touching its target', async () => {
    const outside = path.join(base, 'keep-me.txt');
    await writeFile(outside, 'precious');
    await symlink(outside, path.join(files.workspaceDir(projectId), 'to-outside'));
    await expect(files.read(projectId, 'to-outside')).rejects.toMatchObject({ code: 'forbidden' });
    await files.move(projectId, 'to-outside', 'renamed-link');
    await files.delete(projectId, 'renamed-link');
    expect(await readFile(outside, 'utf8')).toBe('precious');
    await expect(files.read(projectId, 'renamed-link')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('replaces a file too large to read without asking to read it first', async () => {
    await writeFile(path.join(files.workspaceDir(projectId), 'big.log'), Buffer.alloc(5 * 1024 * 1024));
    await expect(files.write(projectId, 'big.log', Buffer.from('small now'))).resolves.toMatchObject({
      created: false,
    });
    expect((await files.read(projectId, 'big.log')).content.toString()).toBe('small now');
  });

  it('keeps the mode of a file it replaces', async () => {
    const script = path.join(files.workspaceDir(projectId), 'run.sh');
    await writeFile(script, '#!/bin/sh\n', { mode: 0o755 });
    await files.write(projectId, 'run.sh', Buffer.from('#!/bin/sh\necho hi\n'));
    expect((await stat(script)).mode & 0o777).toBe(0o755);
  });

  it('ignores a .gitignore that is a symlink to /dev/zero instead of reading it forever', async () => {
    const id = randomUUID();
    await files.createWorkspace(id, undefined);
    await files.write(id, 'a.txt', Buffer.from('x'));
    await symlink('/dev/zero', path.join(files.workspaceDir(id), '.gitignore'));
    const tree = await files.tree(id);
    expect(tree.root.map((entry) => entry.path)).toContain('a.txt');
    const result = await files.search(id, {
      query: 'x',
      regex: false,
      caseSensitive: false,
      include: [],
      exclude: [],
      maxResults: 10,
    });
    expect(result.matches.map((match) => match.path)).toEqual(['a.txt']);
  });

  it('lists the tree respecting .gitignore, hiding node_modules and .git unless asked', async () => {
    const id = randomUUID();
    await files.createWorkspace(id, undefined);
    await files.write(id, '.gitignore', Buffer.from('dist/\n*.log\n'));
    await files.write(id, 'src/app.ts', Buffer.from('x'));
    await files.write(id, 'src/.gitignore', Buffer.from('generated.ts\n'));
    await files.write(id, 'src/generated.ts', Buffer.from('x'));
    await files.write(id, 'dist/app.js', Buffer.from('x'));
    await files.write(id, 'debug.log', Buffer.from('x'));
    await files.write(id, 'node_modules/pkg/index.js', Buffer.from('x'));
    await mkdir(path.join(files.workspaceDir(id), '.git'));
    const names = (entries: { path: string; children?: unknown[] }[]): string[] =>
      entries.flatMap((entry) => [entry.path, ...names((entry.children ?? []) as { path: string }[])]);
    const visible = names((await files.tree(id)).root);
    expect(visible.sort()).toEqual(['.gitignore', 'src', 'src/.gitignore', 'src/app.ts']);
    const all = names((await files.tree(id, { all: true })).root);
    expect(all).toEqual(
      expect.arrayContaining(['dist/app.js', 'debug.log', 'node_modules/pkg/index.js', '.git']),
    );
  });

  it('searches text with regex, globs and a result cap, skipping binaries', async () => {
    const id = randomUUID();
    await files.createWorkspace(id, undefined);
    await files.write(id, 'src/a.ts', Buffer.from('const port = 3000;\nconst host = "x";\n'));
    await files.write(id, 'src/b.py', Buffer.from('PORT = 8000\n'));
    await files.write(id, 'image.bin', Buffer.from([0, 1, 2, 112, 111, 114, 116]));
    const plain = await files.search(id, {
      query: 'port',
      regex: false,
      caseSensitive: false,
      include: [],
      exclude: [],
      maxResults: 100,
    });
    expect(plain.matches.map((match) => `${match.path}:${match.line}:${match.column}`).sort()).toEqual([
      'src/a.ts:1:7',
      'src/b.py:1:1',
    ]);
    const regex = await files.search(id, {
      query: '\\d{4}',
      regex: true,
      caseSensitive: true,
      include: ['**/*.py'],
      exclude: [],
      maxResults: 100,
    });
    expect(regex.matches).toEqual([{ path: 'src/b.py', line: 1, column: 8, text: 'PORT = 8000' }]);
    const capped = await files.search(id, {
      query: 'o',
      regex: false,
      caseSensitive: false,
      include: [],
      exclude: [],
      maxResults: 2,
    });
    expect(capped).toMatchObject({ truncated: true });
    expect(capped.matches).toHaveLength(2);
    await expect(
      files.search(id, {
        query: '(',
        regex: true,
        caseSensitive: false,
        include: [],
        exclude: [],
        maxResults: 10,
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('runs a catastrophic pattern in linear time and refuses backreferences', async () => {
    const id = randomUUID();
    await files.createWorkspace(id, undefined);
    await files.write(id, 'evil.txt', Buffer.from(`${'a'.repeat(40)}!\n`));
    const search = (query: string, caseSensitive: boolean) =>
      files.search(id, { query, regex: true, caseSensitive, include: [], exclude: [], maxResults: 10 });
    const started = Date.now();
    expect((await search('(a+)+$', false)).matches).toEqual([]);
    // A backtracking engine would need longer than the age of the universe; finishing at all means linear.
    expect(Date.now() - started).toBeLessThan(15_000);
    await expect(search('(a)\\1', true)).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/backreferences/),
    });
  });

  it('round-trips the workspace through a zip', async () => {
    const source = randomUUID();
    await files.createWorkspace(source, undefined);
    await files.write(source, 'README.md', Buffer.from('# hi'));
    await files.write(source, 'src/deep/file.txt', Buffer.from('deep'));
    await files.write(source, 'node_modules/x.js', Buffer.from('ignored'));
    const archive = await buffer(files.exportZip(source));
    const target = randomUUID();
    await files.createWorkspace(target, undefined);
    const zipPath = path.join(base, 'round-trip.zip');
    await writeFile(zipPath, archive);
    expect(await files.importZip(target, zipPath)).toEqual({ files: 2 });
    expect((await files.read(target, 'src/deep/file.txt')).content.toString()).toBe('deep');
    await expect(files.read(target, 'node_modules/x.js')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses a zip with a traversal entry and writes nothing of it', async () => {
    const target = randomUUID();
    await files.createWorkspace(target, undefined);
    const archive = await zipOf({ 'ok.txt': 'fine', 'xx/evil.txt': 'pwned' });
    // yazl will not write "../", so patch the name in place (same length, CRC covers only content).
    const patched = Buffer.from(
      archive.toString('latin1').replaceAll('xx/evil.txt', '../evil.txt'),
      'latin1',
    );
    const zipPath = path.join(base, 'evil.zip');
    await writeFile(zipPath, patched);
    await expect(files.importZip(target, zipPath)).rejects.toMatchObject({ code: 'bad_request' });
    expect(await readdir(files.workspaceDir(target))).toEqual([]);
    await expect(readFile(path.join(files.workspaceDir(target), '..', 'evil.txt'))).rejects.toThrow();
  });

  it('refuses duplicate entries and entries that clash with the workspace, writing nothing', async () => {
    const target = randomUUID();
    await files.createWorkspace(target, undefined);
    const duplicate = path.join(base, 'duplicate.zip');
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('1'), 'same.txt');
    zip.addBuffer(Buffer.from('2'), 'same.txt');
    zip.end();
    await writeFile(duplicate, await buffer(zip.outputStream));
    await expect(files.importZip(target, duplicate)).rejects.toMatchObject({ code: 'bad_request' });

    await files.mkdir(target, 'taken');
    const clash = path.join(base, 'clash.zip');
    await writeFile(
      clash,
      await zipOf({ 'aaa-first.txt': 'would be partial', taken: 'a file where a folder is' }),
    );
    await expect(files.importZip(target, clash)).rejects.toMatchObject({ code: 'conflict' });
    await expect(files.read(target, 'aaa-first.txt')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses a zip bomb and too many entries', async () => {
    const target = randomUUID();
    await files.createWorkspace(target, undefined);
    const bomb = path.join(base, 'bomb.zip');
    await writeFile(bomb, await zipOf({ 'zeros.bin': Buffer.alloc(2 * 1024 * 1024) }));
    await expect(files.importZip(target, bomb)).rejects.toMatchObject({ code: 'payload_too_large' });
    const many = path.join(base, 'many.zip');
    await writeFile(
      many,
      await zipOf(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}.txt`, 'x']))),
    );
    await expect(files.importZip(target, many)).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(await readdir(files.workspaceDir(target))).toEqual([]);
  });

  it('reports changes made by anyone through the watcher', async () => {
    const events = new InProcessEventBus();
    const seen: VaporformEvents['file.changed'][] = [];
    events.subscribe('file.changed', (event) => void seen.push(event));
    const watcher = new WorkspaceWatcher(events, (id) => files.workspaceDir(id));
    const id = randomUUID();
    await files.createWorkspace(id, undefined);
    const held = await watcher.watch(id);
    try {
      await files.write(id, 'via-api.txt', Buffer.from('1'));
      await writeFile(path.join(files.workspaceDir(id), 'via-terminal.txt'), '2');
      for (let waited = 0; waited < 3000 && seen.length < 2; waited += 50) await sleep(50);
      expect(seen.map((event) => event.path).sort()).toEqual(['via-api.txt', 'via-terminal.txt']);
      expect(seen.every((event) => event.projectId === id && event.kind === 'created')).toBe(true);
    } finally {
      await held.dispose();
    }
    expect(watcher.isWatching(id)).toBe(false);
    await watcher.dispose();
  });
});
