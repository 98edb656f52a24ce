import { randomUUID } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Checkpoint } from '@vaporform/contracts';
import { AppError } from '../../platform/errors/AppError.js';
import { gitHomeDir, type GitCall, type GitResult, type GitRunner } from './gitRunner.js';
import { stageWorkspace } from './stageWorkspace.js';

// Dependencies and build output are reproducible and large. `.git/` is listed for nested repositories'
// metadata: git never records a path component named `.git` anyway, this just says so where people look.
const excludePatterns = [
  'node_modules/',
  'dist/',
  'build/',
  '.next/',
  '.venv/',
  'venv/',
  '__pycache__/',
  '*.pyc',
  'target/',
  '.cache/',
  'coverage/',
  '.DS_Store',
  '.git/',
];

// core.bare stays true: receive-pack refuses to update the checked-out branch of a non-bare repository,
// and the work tree is always named explicitly anyway.
const repoConfig: [string, string][] = [
  ['core.quotePath', 'false'],
  // Bare repositories keep no reflog by default; with one, every move of `main` can be traced and undone.
  ['core.logAllRefUpdates', 'true'],
  // A push may only extend `main` (the workspace is a fast-forward target) and never delete it.
  ['receive.denyNonFastForwards', 'true'],
  ['receive.denyDeletes', 'true'],
  // Pushed trees get checked out into the workspace: refuse malformed ones (`..`, `.git` entries) up front.
  ['receive.fsckObjects', 'true'],
  // fsck only warns about a symlinked .gitignore by default; one pointing at /dev/zero must not land.
  ['receive.fsck.gitignoreSymlink', 'error'],
  ['receive.fsck.gitmodulesSymlink', 'error'],
  ['http.receivepack', 'true'],
  // No implicit gc: receive-pack would run it inside the push request, and a detached gc would outlive the
  // project's queue and race `remove()`. `maintain()` runs `gc --auto` itself, inside the queue.
  ['gc.auto', '0'],
];

export const mainRef = 'refs/heads/main';
const checkpointIdPattern = /^[0-9a-f]{4,64}$/;
const logFormat = '--format=%H%x00%an%x00%ae%x00%cI%x00%B';

/** The git operations on one project's shadow repository; callers hold the project's lock for mutations. */
export class ShadowRepo {
  constructor(
    private readonly git: GitRunner,
    readonly gitDir: string,
  ) {}

  run(args: string[], call: Omit<GitCall, 'gitDir'> = {}): Promise<GitResult> {
    return this.git.run(args, { ...call, gitDir: this.gitDir });
  }

  async text(args: string[], call: Omit<GitCall, 'gitDir'> = {}): Promise<string> {
    return (await this.run(args, call)).stdout.toString('utf8');
  }

  exists(): Promise<boolean> {
    return exists(path.join(this.gitDir, 'HEAD'));
  }

  async ensure(): Promise<void> {
    if (await this.exists()) return;
    const parent = path.dirname(this.gitDir);
    await mkdir(gitHomeDir(parent), { recursive: true });
    // Built aside and renamed into place, so a crash never leaves a half-configured repository behind.
    const staging = path.join(parent, `.init-${randomUUID()}.git`);
    try {
      await this.git.run([
        'init',
        '--quiet',
        '--bare',
        '--initial-branch=main',
        '--template=',
        '--',
        staging,
      ]);
      await mkdir(path.join(staging, 'info'), { recursive: true });
      await writeFile(path.join(staging, 'info', 'exclude'), `${excludePatterns.join('\n')}\n`);
      for (const [key, value] of repoConfig) await this.git.run(['config', key, value], { gitDir: staging });
      await rename(staging, this.gitDir).catch(async (error: unknown) => {
        // Another server process may have won the race; its repository is as good as ours.
        if (!(await this.exists())) throw error;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  async head(): Promise<string | null> {
    if (!(await this.exists())) return null;
    const out = await this.run(['rev-parse', '--verify', '--quiet', mainRef], { okExitCodes: [1] });
    return out.exitCode === 0 ? out.stdout.toString('utf8').trim() : null;
  }

  async requireHead(): Promise<string> {
    const head = await this.head();
    if (head === null) throw AppError.notFound('Checkpoint');
    return head;
  }

  /** A checkpoint id (full or a prefix of at least 4) to the full commit id. */
  async resolve(checkpointId: string): Promise<string> {
    const id = checkpointId.trim().toLowerCase();
    if (!checkpointIdPattern.test(id)) {
      throw new AppError('validation_failed', 'A checkpoint id is 4 to 64 hexadecimal characters', {
        issues: [{ path: 'checkpointId', message: 'Expected 4 to 64 hexadecimal characters' }],
      });
    }
    if (!(await this.exists())) throw AppError.notFound('Checkpoint');
    // 128 is an ambiguous prefix. The prefix check keeps a pushed branch named like a short id from standing in.
    const out = await this.run(['rev-parse', '--verify', '--quiet', `${id}^{commit}`], {
      okExitCodes: [1, 128],
    });
    const sha = out.exitCode === 0 ? out.stdout.toString('utf8').trim() : '';
    if (!sha.startsWith(id)) throw AppError.notFound('Checkpoint');
    return sha;
  }

  async read(commit: string): Promise<Checkpoint> {
    const [checkpoint] = await this.log(['--max-count=1', commit]);
    if (checkpoint === undefined) throw AppError.notFound('Checkpoint');
    return checkpoint;
  }

  async log(revisionArgs: string[]): Promise<Checkpoint[]> {
    return parseLog(await this.text(['log', '-z', logFormat, ...revisionArgs, '--']));
  }

  /** Stages the workspace and returns its tree id, committing nothing (the index is ours alone). */
  async workspaceTree(workspaceDir: string): Promise<string> {
    if (!path.isAbsolute(workspaceDir)) {
      throw new AppError('internal', 'Checkpoint storage failed', {
        cause: new Error(`workspaceDir must be absolute: ${workspaceDir}`),
      });
    }
    await this.ensure();
    await stageWorkspace(this.git, this.gitDir, workspaceDir);
    return (await this.text(['write-tree'])).trim();
  }

  /** Stages the workspace and commits it on `main`; with `skipIfUnchanged`, null when it matches `main`. */
  async commitWorkspace(
    workspaceDir: string,
    message: string,
    author: Checkpoint['author'],
    skipIfUnchanged: boolean,
  ): Promise<Checkpoint | null> {
    const head = await this.head();
    const tree = await this.workspaceTree(workspaceDir);
    if (
      skipIfUnchanged &&
      head !== null &&
      tree === (await this.text(['rev-parse', `${head}^{tree}`])).trim()
    ) {
      return null;
    }
    return this.read(await this.commit(tree, head, message, author));
  }

  /** Plumbing, not `git commit`: no hooks, no porcelain config, and `main` moves only if still at `parent`. */
  async commit(
    tree: string,
    parent: string | null,
    message: string,
    author: Checkpoint['author'],
  ): Promise<string> {
    const text = message.replaceAll('\0', '').trim();
    if (text === '') throw new AppError('validation_failed', 'A checkpoint message must not be empty');
    const name = identity(author.name) || identity(author.email) || 'Vaporform';
    const email = identity(author.email) || 'vaporform@localhost';
    const parentArgs = parent === null ? [] : ['-p', parent];
    const commit = (
      await this.text(['commit-tree', '--no-gpg-sign', ...parentArgs, '-F', '-', tree], {
        input: `${text}\n`,
        extraEnv: {
          GIT_AUTHOR_NAME: name,
          GIT_AUTHOR_EMAIL: email,
          GIT_COMMITTER_NAME: name,
          GIT_COMMITTER_EMAIL: email,
        },
      })
    ).trim();
    const reflogMessage = `checkpoint: ${text.split('\n', 1)[0] ?? ''}`;
    await this.run(['update-ref', '-m', reflogMessage, mainRef, commit, parent ?? '']);
    return commit;
  }

  /** Cheap when there is nothing to do (it samples one object directory); in the foreground, so in the queue. */
  async maintain(): Promise<void> {
    await this.run(['-c', 'gc.auto=6700', '-c', 'gc.autoDetach=false', 'gc', '--auto', '--quiet'], {
      timeoutMs: 10 * 60_000,
    });
  }
}

function parseLog(out: string): Checkpoint[] {
  const fields = out.split('\0');
  const checkpoints: Checkpoint[] = [];
  for (let i = 0; i + 4 < fields.length; i += 5) {
    const [id, name, email, date, body] = fields.slice(i, i + 5) as [string, string, string, string, string];
    checkpoints.push({
      id,
      message: body.replace(/\n+$/, ''),
      author: { name, email },
      createdAt: new Date(date).toISOString(),
    });
  }
  return checkpoints;
}

/** git refuses names and emails with angle brackets or line breaks: they cannot be quoted in a commit. */
function identity(value: string): string {
  return value.replace(/[<>\r\n\0]/g, '').trim();
}

function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
