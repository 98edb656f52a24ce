import { link, mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors/AppError.js';
import { normalizeRelativePath, WorkspacePath } from './workspacePath.js';

/** A small deterministic generator, so a failing case can be reproduced from its seed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const pieces = [
  '..',
  '.',
  '',
  'a',
  'src',
  'b.txt',
  '%2e%2e',
  '%2f',
  '..%2f',
  '\0',
  '\\',
  '..\\',
  '/',
  '//',
  '~',
  'C:',
  '....',
  '.. ',
  ' ..',
  'é',
  '😀',
  '\u202e',
  '%00',
  'etc',
  'passwd',
  '-rf',
  'node_modules',
  '.git',
  'a'.repeat(300),
];

describe('workspace paths', () => {
  let base: string;
  let root: string;
  let other: string;
  let workspace: WorkspacePath;

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'vaporform-paths-'));
    root = path.join(base, 'workspaces', 'project-a');
    other = path.join(base, 'workspaces', 'project-b');
    await mkdir(path.join(root, 'src'), { recursive: true });
    await mkdir(other, { recursive: true });
    await writeFile(path.join(root, 'src', 'app.ts'), 'export {};\n');
    await writeFile(path.join(other, 'secret.txt'), 'project b only\n');
    await writeFile(path.join(base, 'outside.txt'), 'outside\n');
    await symlink('/etc', path.join(root, 'etc-link'));
    await symlink(other, path.join(root, 'neighbour'));
    await symlink(path.join(root, 'src', 'app.ts'), path.join(root, 'inner-link.ts'));
    await symlink(path.join(base, 'not-yet-there'), path.join(root, 'dangling'));
    workspace = new WorkspacePath(root);
  });
  afterAll(async () => rm(base, { recursive: true, force: true }));

  it('never resolves any of 10,000 generated paths outside the workspace', async () => {
    const next = random(20261128);
    let refused = 0;
    for (let index = 0; index < 10_000; index++) {
      const count = 1 + Math.floor(next() * 6);
      const parts = Array.from({ length: count }, () => pieces[Math.floor(next() * pieces.length)] ?? '');
      const candidate = parts.join(next() < 0.8 ? '/' : '');
      try {
        const resolved = await workspace.resolve(candidate);
        const inside = resolved.absolute === root || resolved.absolute.startsWith(root + path.sep);
        expect(inside, `${JSON.stringify(candidate)} → ${resolved.absolute}`).toBe(true);
      } catch (error) {
        expect(error, JSON.stringify(candidate)).toBeInstanceOf(AppError);
        expect((error as AppError).status, JSON.stringify(candidate)).toBeGreaterThanOrEqual(400);
        expect((error as AppError).status).toBeLessThan(500);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(1000);
  });

  it.each([
    ['..', /\.\./],
    ['src/../../x', /\.\./],
    ['/etc/passwd', /relative/],
    ['a\0b', /NUL/],
    ['..\\..\\x', /backslash/],
  ])('refuses %j with a clear 400', (input, message) => {
    expect(() => normalizeRelativePath(input)).toThrow(message);
  });

  it('keeps encoded traversal literal: %2e%2e is a file name, not a parent', () => {
    expect(normalizeRelativePath('%2e%2e/%2e%2e/etc')).toBe('%2e%2e/%2e%2e/etc');
  });

  it('refuses a symlink to /etc and anything through it', async () => {
    await expect(workspace.resolve('etc-link')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(workspace.resolve('etc-link/passwd')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(workspace.openFile('etc-link/passwd')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('refuses a symlink into another project', async () => {
    await expect(workspace.openFile('neighbour/secret.txt')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('refuses a dangling symlink that would lead outside once its target exists', async () => {
    await expect(workspace.resolve('dangling')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(workspace.resolve('dangling/child')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('allows a symlink inside the workspace to be resolved, but opens only real files', async () => {
    await expect(workspace.resolve('inner-link.ts')).resolves.toMatchObject({ relative: 'inner-link.ts' });
    await expect(workspace.openFile('inner-link.ts')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('catches a symlink swapped in between the check and the open', async () => {
    const victim = path.join(root, 'swap.txt');
    await writeFile(victim, 'harmless\n');
    await workspace.resolve('swap.txt');
    // The attacker replaces the checked file with a link to a file outside.
    await unlink(victim);
    await symlink(path.join(base, 'outside.txt'), victim);
    await expect(workspace.openFile('swap.txt')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('catches a directory swapped for a symlink between check and open', async () => {
    const directory = path.join(root, 'swapdir');
    await mkdir(directory);
    await writeFile(path.join(directory, 'f.txt'), 'inside\n');
    await workspace.resolve('swapdir/f.txt');
    await rm(directory, { recursive: true });
    await mkdir(path.join(base, 'evil'), { recursive: true });
    await writeFile(path.join(base, 'evil', 'f.txt'), 'outside\n');
    await symlink(path.join(base, 'evil'), directory);
    // resolve() would refuse now; call the descriptor check directly on what the open reaches.
    const { open } = await import('node:fs/promises');
    const handle = await open(path.join(directory, 'f.txt'), 'r');
    try {
      await expect(workspace.assertDescriptorInside(handle)).rejects.toMatchObject({ code: 'forbidden' });
    } finally {
      await handle.close();
    }
    await expect(workspace.openFile('swapdir/f.txt')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('refuses a file with another hard link, whose other name may be outside', async () => {
    await link(path.join(base, 'outside.txt'), path.join(root, 'hardlink.txt'));
    await expect(workspace.openFile('hardlink.txt')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('opens an ordinary file', async () => {
    const { handle, relative } = await workspace.openFile('./src//app.ts');
    expect(relative).toBe('src/app.ts');
    expect((await handle.readFile()).toString()).toBe('export {};\n');
    await handle.close();
  });
});
