import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Checkpoint, CheckpointDiffSchema, RestoreResultSchema } from '@vaporform/contracts';
import type { z } from 'zod';
import { AppError } from '../../platform/errors/AppError.js';
import { defaultGitPath, gitHomeDir, GitRunner } from './gitRunner.js';
import { KeyedMutex } from '../../platform/concurrency/KeyedMutex.js';
import { parseDiffSummary } from './parseDiffSummary.js';
import { mainRef, ShadowRepo } from './shadowRepo.js';

export type CheckpointDiff = z.infer<typeof CheckpointDiffSchema>;
export type RestoreResult = z.infer<typeof RestoreResultSchema>;
export type CheckpointAuthor = Checkpoint['author'];

export interface CheckpointFile {
  /** Workspace-relative, as stored in the checkpoint. */
  path: string;
  content: Buffer;
  /** The blob's object id: equal ids, equal bytes. */
  oid: string;
  binary: boolean;
}

export interface CheckpointServiceOptions {
  /** Shadow repositories live here, outside every workspace: `<checkpointsDir>/<projectId>.git`. */
  checkpointsDir: string;
  gitPath?: string;
  /** Per git command. */
  timeoutMs?: number;
  maxPatchBytes?: number;
  /** `readFile` refuses larger files (413); defaults to 10 MiB like the files API. */
  maxFileBytes?: number;
  /** A failed housekeeping `git gc` leaves the repository as it was; it is reported here, not thrown. */
  onMaintenanceError?: (error: unknown) => void;
}

export interface PushPreparation {
  /** What `main` held before the push; hand it to `applyPush`. */
  previousHead: string;
  /** The "Before push" checkpoint, or null when the workspace already matched `main`. */
  checkpoint: Checkpoint | null;
}

export interface PushOutcome<T> {
  result: T;
  beforePush: Checkpoint | null;
  /** The new `main`, now in the workspace, or null when the push did not move `main`. */
  head: Checkpoint | null;
}

const projectIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const defaultListLimit = 100;
const maxListLimit = 1000;

/**
 * Checkpoints are commits in a bare "shadow" repository per project, kept outside the workspace and always
 * used with `--work-tree=<workspace>`: the workspace stays free of our `.git`, and a user's own repository
 * in it is neither touched nor confused with ours. Every mutation runs in a per-project queue.
 */
export class CheckpointService {
  readonly #dir: string;
  readonly #git: GitRunner;
  readonly #maxPatchBytes: number;
  readonly #maxFileBytes: number;
  readonly #onMaintenanceError: (error: unknown) => void;
  readonly #mutex = new KeyedMutex();

  constructor(options: CheckpointServiceOptions) {
    this.#dir = path.resolve(options.checkpointsDir);
    this.#git = new GitRunner({
      gitPath: options.gitPath ?? defaultGitPath,
      homeDir: gitHomeDir(this.#dir),
      timeoutMs: options.timeoutMs ?? 60_000,
    });
    this.#maxPatchBytes = options.maxPatchBytes ?? 1024 * 1024;
    this.#maxFileBytes = options.maxFileBytes ?? 10 * 1024 * 1024;
    this.#onMaintenanceError = options.onMaintenanceError ?? (() => undefined);
  }

  repoDir(projectId: string): string {
    if (!projectIdPattern.test(projectId)) throw new AppError('validation_failed', 'Invalid project id');
    return path.join(this.#dir, `${projectId}.git`);
  }

  init(projectId: string): Promise<void> {
    return this.#locked(projectId, (repo) => repo.ensure());
  }

  /** Records the workspace as it is now, even when nothing changed, so there is always a point to return to. */
  create(
    projectId: string,
    workspaceDir: string,
    input: { message: string; author: CheckpointAuthor },
  ): Promise<Checkpoint> {
    return this.#locked(projectId, async (repo) => {
      const checkpoint = await repo.commitWorkspace(workspaceDir, input.message, input.author, false);
      await this.#maintain(repo);
      return checkpoint!;
    });
  }

  /** Newest first, following `main`'s first parents so a pushed merge shows as one step. */
  async list(projectId: string, options: { limit?: number } = {}): Promise<Checkpoint[]> {
    const repo = this.#repo(projectId);
    if ((await repo.head()) === null) return [];
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? defaultListLimit), 1), maxListLimit);
    return repo.log(['--first-parent', `--max-count=${limit}`, mainRef]);
  }

  async get(projectId: string, checkpointId: string): Promise<Checkpoint> {
    const repo = this.#repo(projectId);
    return repo.read(await repo.resolve(checkpointId));
  }

  /** From `from` to `to`, which defaults to the latest checkpoint (not the unsaved workspace). */
  async diff(projectId: string, from: string, to?: string): Promise<CheckpointDiff> {
    const repo = this.#repo(projectId);
    const fromId = await repo.resolve(from);
    const toId = to === undefined ? await repo.requireHead() : await repo.resolve(to);
    return this.#diffTrees(repo, fromId, toId, toId);
  }

  /**
   * From checkpoint `from` to the workspace as it is now, unsaved in any checkpoint: the workspace is
   * staged (as a checkpoint would be, same exclusions) but not committed. `to` reads `workspace`.
   */
  diffWorkspace(projectId: string, workspaceDir: string, from: string): Promise<CheckpointDiff> {
    return this.#locked(projectId, async (repo) => {
      const fromId = await repo.resolve(from);
      const tree = await repo.workspaceTree(workspaceDir);
      return this.#diffTrees(repo, fromId, tree, 'workspace');
    });
  }

  async #diffTrees(
    repo: ShadowRepo,
    fromId: string,
    toTree: string,
    toLabel: string,
  ): Promise<CheckpointDiff> {
    const options = ['-r', '-M', '--no-ext-diff', '--no-textconv'];
    const summary = await repo.text(['diff-tree', ...options, '-z', '--raw', '--numstat', fromId, toTree]);
    const patch = await repo.run(['diff-tree', ...options, '-p', '--no-color', fromId, toTree], {
      stdoutLimit: this.#maxPatchBytes,
    });
    return {
      from: fromId,
      to: toLabel,
      files: parseDiffSummary(summary),
      patch: patch.truncated
        ? truncatedPatch(patch.stdout, this.#maxPatchBytes)
        : patch.stdout.toString('utf8'),
    };
  }

  /**
   * One file's content as it was at a checkpoint (for a diff against the workspace). Paths are taken
   * literally (`<commit>:<path>`, no pathspec magic); directories and paths absent from it are not found.
   */
  async readFile(projectId: string, checkpointId: string, filePath: string): Promise<CheckpointFile> {
    const relative = checkpointPath(filePath);
    const repo = this.#repo(projectId);
    const commit = await repo.resolve(checkpointId);
    const found = await repo.run(['rev-parse', '--verify', '--quiet', `${commit}:${relative}`], {
      okExitCodes: [1, 128],
    });
    const oid = found.exitCode === 0 ? found.stdout.toString('utf8').trim() : '';
    if (oid === '') throw AppError.notFound('File');
    const type = (await repo.text(['cat-file', '-t', oid])).trim();
    if (type !== 'blob') throw AppError.notFound('File');
    const size = Number((await repo.text(['cat-file', '-s', oid])).trim());
    if (size > this.#maxFileBytes) {
      throw new AppError(
        'payload_too_large',
        `'${relative}' is ${size} bytes; files are read up to ${this.#maxFileBytes}`,
      );
    }
    const content = (await repo.run(['cat-file', 'blob', oid])).stdout;
    return { path: relative, content, oid, binary: content.subarray(0, 8000).includes(0) };
  }

  /**
   * Makes the workspace exactly match a checkpoint: files added since are removed, changed ones reverted,
   * deleted ones brought back; ignored paths (node_modules …) are left alone. The workspace is saved first
   * (`safetyCheckpoint`, null when it already matched the latest checkpoint) and the restore is recorded as
   * a new commit on top, so history stays linear and nothing is lost. `restored` is the checkpoint restored.
   */
  restore(
    projectId: string,
    workspaceDir: string,
    checkpointId: string,
    author: CheckpointAuthor,
  ): Promise<RestoreResult> {
    return this.#locked(projectId, async (repo) => {
      const target = await repo.resolve(checkpointId);
      const short = target.slice(0, 7);
      const safetyCheckpoint = await repo.commitWorkspace(
        workspaceDir,
        `Before restoring ${short}`,
        author,
        true,
      );
      // The index now equals the workspace, so a reset read-tree touches exactly the tracked files.
      await repo.run(['read-tree', '-u', '--reset', target], { workTree: workspaceDir });
      const tree = (await repo.text(['write-tree'])).trim();
      await repo.commit(tree, await repo.head(), `Restored ${short}`, author);
      await this.#maintain(repo);
      return { restored: await repo.read(target), safetyCheckpoint };
    });
  }

  remove(projectId: string): Promise<void> {
    return this.#locked(projectId, (repo) => rm(repo.gitDir, { recursive: true, force: true }));
  }

  /** Before serving a clone or fetch: make `main` hold the workspace, adding a checkpoint only if it changed. */
  prepareForFetch(projectId: string, workspaceDir: string, author: CheckpointAuthor): Promise<Checkpoint> {
    return this.#locked(projectId, async (repo) => {
      const checkpoint = await repo.commitWorkspace(workspaceDir, 'Before fetch', author, true);
      return checkpoint ?? repo.read(await repo.requireHead());
    });
  }

  /**
   * Before a receive-pack: checkpoint the workspace ("Before push", only if it changed) so `main` equals it
   * and git refuses any push that is not a fast-forward of what the workspace holds. Prefer `receivePush`,
   * which keeps the project locked from here until `applyPush`.
   */
  prepareForPush(
    projectId: string,
    workspaceDir: string,
    author: CheckpointAuthor,
  ): Promise<PushPreparation> {
    return this.#locked(projectId, (repo) => this.#prepareForPush(repo, workspaceDir, author));
  }

  /**
   * After a receive-pack: if `main` moved, write the new `main` into the workspace with a two-tree merge
   * from `previousHead`, so an edit made in between to a file the push also changes is not overwritten
   * (AppError 'conflict'; the push stays in history as a checkpoint to restore).
   */
  applyPush(projectId: string, workspaceDir: string, previousHead: string): Promise<Checkpoint | null> {
    return this.#locked(projectId, (repo) => this.#applyPush(repo, workspaceDir, previousHead));
  }

  /**
   * `prepareForPush`, then `receive` (which runs git-receive-pack and resolves once it has exited), then
   * `applyPush`, all under the project's lock so no checkpoint can land between the push and the workspace.
   */
  receivePush<T>(
    projectId: string,
    workspaceDir: string,
    author: CheckpointAuthor,
    receive: (repoDir: string) => Promise<T>,
  ): Promise<PushOutcome<T>> {
    return this.#locked(projectId, async (repo) => {
      const prepared = await this.#prepareForPush(repo, workspaceDir, author);
      // Even a failed request may have moved `main` before the connection dropped: apply in every case.
      const received = await receive(repo.gitDir).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      const head = await this.#applyPush(repo, workspaceDir, prepared.previousHead);
      if (!received.ok) throw received.error;
      return { result: received.value, beforePush: prepared.checkpoint, head };
    });
  }

  #repo(projectId: string): ShadowRepo {
    return new ShadowRepo(this.#git, this.repoDir(projectId));
  }

  async #locked<T>(projectId: string, task: (repo: ShadowRepo) => Promise<T>): Promise<T> {
    const repo = this.#repo(projectId);
    return this.#mutex.run(projectId, () => task(repo));
  }

  async #prepareForPush(
    repo: ShadowRepo,
    workspaceDir: string,
    author: CheckpointAuthor,
  ): Promise<PushPreparation> {
    const checkpoint = await repo.commitWorkspace(workspaceDir, 'Before push', author, true);
    return { previousHead: await repo.requireHead(), checkpoint };
  }

  async #applyPush(repo: ShadowRepo, workspaceDir: string, previousHead: string): Promise<Checkpoint | null> {
    const head = await repo.head();
    if (head === null || head === previousHead) return null;
    // Files rewritten with the same content only look changed; refresh so the merge compares content.
    await repo.run(['update-index', '-q', '--refresh'], { workTree: workspaceDir, okExitCodes: [1] });
    const merge = await repo.run(['read-tree', '-u', '-m', previousHead, head], {
      workTree: workspaceDir,
      okExitCodes: [128],
    });
    if (merge.exitCode !== 0) {
      throw new AppError(
        'conflict',
        `The push was saved as checkpoint ${head.slice(0, 7)}, but the workspace has unsaved changes to the ` +
          'same files, so it was not updated. Restore that checkpoint to use the pushed version.',
        { cause: new Error(`git read-tree: ${merge.stderr.trim()}`) },
      );
    }
    await this.#maintain(repo);
    return repo.read(head);
  }

  async #maintain(repo: ShadowRepo): Promise<void> {
    await repo.maintain().catch(this.#onMaintenanceError);
  }
}

/** A workspace-relative file path: `/`-separated, no empty, `.` or `..` segment, no NUL. */
function checkpointPath(raw: string): string {
  const relative = raw.replace(/^\/+/, '');
  const segments = relative.split('/');
  if (
    relative === '' ||
    relative.includes('\0') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw new AppError('validation_failed', `'${raw}' is not a file path inside the workspace`, {
      issues: [{ path: '*', message: 'Expected a relative file path without empty, . or .. segments' }],
    });
  }
  return relative;
}

function truncatedPatch(stdout: Buffer, limit: number): string {
  // Cut at a line end so no half line (or half UTF-8 character) is shown.
  const kept = stdout.subarray(0, stdout.subarray(0, limit).lastIndexOf(0x0a) + 1).toString('utf8');
  const size = limit >= 1024 * 1024 ? `${limit / (1024 * 1024)} MiB` : `${limit} bytes`;
  return `${kept}\n[… patch truncated at ${size}; \`files\` still lists every change …]\n`;
}
