import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CheckpointDiffSchema, CheckpointSchema, RestoreResultSchema } from '@vaporform/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointService } from './checkpointService.js';

const run = promisify(execFile);
const ada = { name: 'Ada Lovelace', email: 'ada@example.com' };
const grace = { name: 'Grace Hopper', email: 'grace@example.com' };

let root: string;
let service: CheckpointService;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vaporform-checkpoints-'));
  service = new CheckpointService({ checkpointsDir: path.join(root, 'checkpoints') });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function newWorkspace(
  files: Record<string, string | Buffer>,
): Promise<{ projectId: string; dir: string }> {
  const dir = path.join(root, `workspace-${randomUUID()}`);
  await mkdir(dir);
  await writeFiles(dir, files);
  return { projectId: randomUUID(), dir };
}

async function writeFiles(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
}

/** Every file under `dir` except `.git` internals, as relative path → content. */
async function readTree(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const tree: Record<string, string> = {};
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.relative(dir, path.join(entry.parentPath, entry.name));
    if (file.split(path.sep).includes('.git')) continue;
    tree[file] = await readFile(path.join(dir, file), 'utf8');
  }
  return tree;
}

async function committedPaths(projectId: string, commit = 'refs/heads/main'): Promise<string[]> {
  const { stdout } = await run(
    'git',
    ['--git-dir', service.repoDir(projectId), 'ls-tree', '-r', '-z', '--name-only', commit],
    {
      env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    },
  );
  return stdout.split('\0').filter(Boolean).sort();
}

async function localGit(cwd: string, args: string[]): Promise<void> {
  await run('git', args, {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: root,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Nested',
      GIT_AUTHOR_EMAIL: 'nested@example.com',
      GIT_COMMITTER_NAME: 'Nested',
      GIT_COMMITTER_EMAIL: 'nested@example.com',
    },
  });
}

describe('CheckpointService', () => {
  it('creates, lists newest first and diffs checkpoints', async () => {
    const { projectId, dir } = await newWorkspace({
      'README.md': '# App\n\nA small app with enough text to be recognised after a move.\n',
      'src/index.ts': 'line1\nline2\n',
      'old.txt': 'bye\n',
      'node_modules/dep/index.js': 'module.exports = 1;\n',
      'dist/bundle.js': 'built();\n',
    });
    const first = await service.create(projectId, dir, { message: 'Initial', author: ada });
    expect(CheckpointSchema.parse(first)).toEqual(first);
    expect(first).toMatchObject({ message: 'Initial', author: ada });
    expect(first.id).toMatch(/^[0-9a-f]{40}$/);
    expect(Math.abs(Date.parse(first.createdAt) - Date.now())).toBeLessThan(60_000);

    await writeFiles(dir, {
      'src/index.ts': 'line1\nline2 changed\nline3\n',
      'src/new.ts': 'export const x = 1;\n',
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]),
      'docs/README.md': '# App\n\nA small app with enough text to be recognised after a move.\n',
    });
    await rm(path.join(dir, 'old.txt'));
    await rm(path.join(dir, 'README.md'));
    const second = await service.create(projectId, dir, { message: 'Second\n\nwith a body', author: grace });

    const list = await service.list(projectId);
    expect(list.map((c) => c.id)).toEqual([second.id, first.id]);
    expect(list.map((c) => c.message)).toEqual(['Second\n\nwith a body', 'Initial']);
    expect(list.map((c) => c.author)).toEqual([grace, ada]);
    expect(await service.list(projectId, { limit: 1 })).toEqual([second]);

    const diff = await service.diff(projectId, first.id);
    expect(CheckpointDiffSchema.parse(diff)).toEqual(diff);
    expect(diff).toMatchObject({ from: first.id, to: second.id });
    expect([...diff.files].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'docs/README.md', status: 'renamed', additions: 0, deletions: 0 },
      { path: 'logo.png', status: 'added', additions: null, deletions: null },
      { path: 'old.txt', status: 'deleted', additions: 0, deletions: 1 },
      { path: 'src/index.ts', status: 'modified', additions: 2, deletions: 1 },
      { path: 'src/new.ts', status: 'added', additions: 1, deletions: 0 },
    ]);
    expect(diff.patch).toContain('+line2 changed');
    expect(diff.patch).toContain('-bye');

    // Short ids resolve; the reverse direction swaps the statuses.
    const reverse = await service.diff(projectId, second.id.slice(0, 7), first.id.slice(0, 7));
    expect(reverse.files.find((f) => f.path === 'old.txt')?.status).toBe('added');

    const paths = await committedPaths(projectId);
    expect(paths).not.toContain('node_modules/dep/index.js');
    expect(paths.some((p) => p.startsWith('dist/') || p.startsWith('node_modules/'))).toBe(false);
  });

  it('commits even when nothing changed, so there is always a point to return to', async () => {
    const { projectId, dir } = await newWorkspace({ 'a.txt': 'a\n' });
    const first = await service.create(projectId, dir, { message: 'One', author: ada });
    const again = await service.create(projectId, dir, { message: 'Two', author: ada });
    expect(again.id).not.toBe(first.id);
    expect((await service.diff(projectId, first.id, again.id)).files).toEqual([]);
  });

  it('restores exactly the old state and keeps everything in history', async () => {
    const { projectId, dir } = await newWorkspace({
      'a.txt': 'v1\n',
      'keep.txt': 'same\n',
      'gone-later.txt': 'still here\n',
      'deep/nested/file.txt': 'deep\n',
      'node_modules/pkg/index.js': 'v1\n',
      'dist/out.js': 'built\n',
    });
    const v1 = await service.create(projectId, dir, { message: 'v1', author: ada });
    await writeFiles(dir, {
      'a.txt': 'v2\n',
      'added/later.txt': 'new\n',
      'node_modules/pkg/index.js': 'v2\n',
      'node_modules/pkg/extra.js': 'extra\n',
    });
    await rm(path.join(dir, 'gone-later.txt'));
    await rm(path.join(dir, 'deep'), { recursive: true });
    const v2 = await service.create(projectId, dir, { message: 'v2', author: ada });
    await writeFiles(dir, { 'a.txt': 'v3, never checkpointed\n' });
    const newer = await readTree(dir);

    const result = await service.restore(projectId, dir, v1.id, grace);
    expect(RestoreResultSchema.parse(result)).toEqual(result);
    expect(result.restored).toEqual(v1);
    expect(result.safetyCheckpoint?.message).toBe(`Before restoring ${v1.id.slice(0, 7)}`);
    expect(await readTree(dir)).toEqual({
      'a.txt': 'v1\n',
      'keep.txt': 'same\n',
      'gone-later.txt': 'still here\n',
      'deep/nested/file.txt': 'deep\n',
      // Ignored paths are neither committed nor touched by a restore.
      'node_modules/pkg/index.js': 'v2\n',
      'node_modules/pkg/extra.js': 'extra\n',
      'dist/out.js': 'built\n',
    });
    await expect(access(path.join(dir, 'added'))).rejects.toThrow();

    const history = await service.list(projectId);
    expect(history.map((c) => c.message)).toEqual([
      `Restored ${v1.id.slice(0, 7)}`,
      `Before restoring ${v1.id.slice(0, 7)}`,
      'v2',
      'v1',
    ]);
    expect(history[1]?.id).toBe(result.safetyCheckpoint?.id);
    expect(history[2]?.id).toBe(v2.id);
    expect(history[0]?.author).toEqual(grace);

    // The workspace already matches the latest checkpoint, so no new safety checkpoint is needed.
    const back = await service.restore(projectId, dir, result.safetyCheckpoint!.id, ada);
    expect(back.safetyCheckpoint).toBeNull();
    expect(await readTree(dir)).toEqual(newer);
  });

  it('rejects malformed ids and answers not found for unknown ones', async () => {
    const { projectId, dir } = await newWorkspace({ 'a.txt': 'a\n' });
    await expect(service.list(projectId)).resolves.toEqual([]);
    await expect(service.diff(projectId, 'abcdef')).rejects.toMatchObject({ code: 'not_found' });
    const checkpoint = await service.create(projectId, dir, { message: 'One', author: ada });

    for (const bad of ['xyz!', '-rf', '../../etc', 'abc', 'HEAD', `${checkpoint.id}^`, 'a'.repeat(65)]) {
      await expect(service.get(projectId, bad)).rejects.toMatchObject({ code: 'validation_failed' });
    }
    const unknown = checkpoint.id.startsWith('f') ? '0'.repeat(40) : 'f'.repeat(40);
    await expect(service.get(projectId, unknown)).rejects.toMatchObject({
      code: 'not_found',
      message: 'Checkpoint not found',
    });
    await expect(service.diff(projectId, checkpoint.id, unknown.slice(0, 8))).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(service.restore(projectId, dir, unknown, ada)).rejects.toMatchObject({ code: 'not_found' });
    // A tree id is an object, but not a checkpoint.
    const [treeId] = (
      await run('git', ['--git-dir', service.repoDir(projectId), 'rev-parse', `${checkpoint.id}^{tree}`])
    ).stdout.split('\n');
    await expect(service.get(projectId, treeId!)).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.get(projectId, checkpoint.id.toUpperCase())).resolves.toEqual(checkpoint);

    await expect(service.list('../../etc')).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(service.create(projectId, dir, { message: '  \n ', author: ada })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('handles names with spaces, unicode, quotes and leading dashes', async () => {
    const names = [
      'with space/my file.txt',
      'ünïcødé/日本語.md',
      '-rf',
      '--help',
      'say "hi".txt',
      'tab\there.txt',
    ];
    const { projectId, dir } = await newWorkspace(
      Object.fromEntries(names.map((name) => [name, `${name} v1\n`])),
    );
    const first = await service.create(projectId, dir, { message: 'Odd names', author: ada });
    expect(await committedPaths(projectId)).toEqual([...names].sort());

    await writeFiles(dir, Object.fromEntries(names.map((name) => [name, `${name} v2\n`])));
    await rm(path.join(dir, '-rf'));
    await service.create(projectId, dir, { message: 'Changed', author: ada });
    const diff = await service.diff(projectId, first.id);
    expect(diff.files.map((f) => f.path).sort()).toEqual([...names].sort());
    expect(diff.files.find((f) => f.path === '-rf')?.status).toBe('deleted');
    expect(diff.patch).toContain('+ünïcødé/日本語.md v2');

    await service.restore(projectId, dir, first.id, ada);
    expect(await readTree(dir)).toEqual(Object.fromEntries(names.map((name) => [name, `${name} v1\n`])));
  });

  it('diffs a checkpoint against the workspace as it is now, without checkpointing it', async () => {
    const { projectId, dir } = await newWorkspace({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const first = await service.create(projectId, dir, { message: 'One', author: ada });
    await writeFiles(dir, { 'a.txt': 'a changed\n', 'c.txt': 'new\n', 'node_modules/x.js': 'ignored\n' });
    await rm(path.join(dir, 'b.txt'));
    const diff = await service.diffWorkspace(projectId, dir, first.id.slice(0, 8));
    expect(diff).toMatchObject({ from: first.id, to: 'workspace' });
    expect([...diff.files].sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: 'a.txt', status: 'modified', additions: 1, deletions: 1 },
      { path: 'b.txt', status: 'deleted', additions: 0, deletions: 1 },
      { path: 'c.txt', status: 'added', additions: 1, deletions: 0 },
    ]);
    expect(diff.patch).toContain('+a changed');
    expect(await service.list(projectId)).toEqual([first]);
    // A later checkpoint still records the workspace exactly.
    const second = await service.create(projectId, dir, { message: 'Two', author: ada });
    expect((await service.diff(projectId, first.id, second.id)).files).toHaveLength(3);
    expect((await service.diffWorkspace(projectId, dir, second.id)).files).toEqual([]);
  });

  it('reads one file as it was at a checkpoint, literally and only files', async () => {
    const { projectId, dir } = await newWorkspace({
      'src/app.ts': 'v1\n',
      'say "hi" *.txt': 'odd\n',
      'img.bin': Buffer.from([1, 0, 2]),
      'big.txt': 'x'.repeat(64),
    });
    const first = await service.create(projectId, dir, { message: 'One', author: ada });
    await writeFiles(dir, { 'src/app.ts': 'v2\n', 'later.txt': 'new\n' });
    const second = await service.create(projectId, dir, { message: 'Two', author: ada });

    const old = await service.readFile(projectId, first.id, 'src/app.ts');
    expect(old).toMatchObject({ path: 'src/app.ts', binary: false });
    expect(old.content.toString()).toBe('v1\n');
    expect(old.oid).toMatch(/^[0-9a-f]{40}$/);
    expect((await service.readFile(projectId, second.id.slice(0, 8), '/src/app.ts')).content.toString()).toBe(
      'v2\n',
    );
    expect((await service.readFile(projectId, first.id, 'say "hi" *.txt')).content.toString()).toBe('odd\n');
    expect(await service.readFile(projectId, first.id, 'img.bin')).toMatchObject({ binary: true });

    for (const absent of ['later.txt', 'src', 'src/*', ':/src/app.ts', 'missing/app.ts']) {
      await expect(service.readFile(projectId, first.id, absent)).rejects.toMatchObject({
        code: 'not_found',
      });
    }
    for (const bad of ['../etc/passwd', 'src/../src/app.ts', 'src//app.ts', './src/app.ts', '']) {
      await expect(service.readFile(projectId, first.id, bad)).rejects.toMatchObject({
        code: 'validation_failed',
      });
    }
    await expect(service.readFile(projectId, 'HEAD', 'src/app.ts')).rejects.toMatchObject({
      code: 'validation_failed',
    });
    const small = new CheckpointService({ checkpointsDir: path.join(root, 'checkpoints'), maxFileBytes: 10 });
    await expect(small.readFile(projectId, first.id, 'big.txt')).rejects.toMatchObject({
      code: 'payload_too_large',
    });
  });

  it('keeps the files of nested repositories, never their .git, and leaves the workspace repository alone', async () => {
    const { projectId, dir } = await newWorkspace({
      'app.js': 'app\n',
      'vendor/lib/index.js': 'lib v1\n',
      'tools/fresh/a.txt': 'fresh\n',
      'only-ignored/node_modules/x.js': 'x\n',
    });
    await localGit(dir, ['init', '-q']);
    await localGit(path.join(dir, 'vendor/lib'), ['init', '-q']);
    await localGit(path.join(dir, 'vendor/lib'), ['add', '.']);
    await localGit(path.join(dir, 'vendor/lib'), ['commit', '-qm', 'lib']);
    await localGit(path.join(dir, 'tools/fresh'), ['init', '-q']);
    await localGit(path.join(dir, 'only-ignored'), ['init', '-q']);

    const first = await service.create(projectId, dir, { message: 'Nested', author: ada });
    expect(await committedPaths(projectId)).toEqual(['app.js', 'tools/fresh/a.txt', 'vendor/lib/index.js']);

    await writeFiles(dir, { 'vendor/lib/index.js': 'lib v2\n', 'vendor/lib/more.js': 'more\n' });
    await service.create(projectId, dir, { message: 'Nested changed', author: ada });
    expect(await committedPaths(projectId)).toContain('vendor/lib/more.js');

    await service.restore(projectId, dir, first.id, ada);
    expect(await readFile(path.join(dir, 'vendor/lib/index.js'), 'utf8')).toBe('lib v1\n');
    await expect(access(path.join(dir, 'vendor/lib/more.js'))).rejects.toThrow();
    await expect(access(path.join(dir, 'vendor/lib/.git/HEAD'))).resolves.toBeUndefined();
    await expect(access(path.join(dir, '.git/HEAD'))).resolves.toBeUndefined();
  });

  it('serializes concurrent creates on one project into distinct, linear checkpoints', async () => {
    const { projectId, dir } = await newWorkspace({ 'base.txt': 'base\n' });
    const created = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        await writeFile(path.join(dir, `file-${i}.txt`), `${i}\n`);
        return service.create(projectId, dir, { message: `Concurrent ${i}`, author: ada });
      }),
    );
    expect(new Set(created.map((c) => c.id)).size).toBe(8);
    // `list` follows first parents from `main`: all eight on it means one chain, none lost.
    const listed = await service.list(projectId);
    expect(listed).toHaveLength(8);
    expect(new Set(listed.map((c) => c.id))).toEqual(new Set(created.map((c) => c.id)));
    expect(await committedPaths(projectId)).toHaveLength(9);
  });

  it('caps the patch and says so', async () => {
    const small = new CheckpointService({
      checkpointsDir: path.join(root, 'checkpoints'),
      maxPatchBytes: 1000,
    });
    const { projectId, dir } = await newWorkspace({ 'big.txt': 'x\n' });
    const first = await small.create(projectId, dir, { message: 'Small', author: ada });
    await writeFiles(dir, { 'big.txt': Array.from({ length: 500 }, (_, i) => `line ${i}\n`).join('') });
    await small.create(projectId, dir, { message: 'Big', author: ada });
    const diff = await small.diff(projectId, first.id);
    expect(diff.files).toEqual([{ path: 'big.txt', status: 'modified', additions: 500, deletions: 1 }]);
    expect(diff.patch).toMatch(
      /\n\[… patch truncated at 1000 bytes; `files` still lists every change …\]\n$/,
    );
    expect(diff.patch.length).toBeLessThan(1100);
  });

  it('removes a project repository', async () => {
    const { projectId, dir } = await newWorkspace({ 'a.txt': 'a\n' });
    await service.create(projectId, dir, { message: 'One', author: ada });
    await service.remove(projectId);
    await expect(access(service.repoDir(projectId))).rejects.toThrow();
    expect(await service.list(projectId)).toEqual([]);
  });
});
