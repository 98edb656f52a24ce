import path from 'node:path';
import type { GitRunner } from './gitRunner.js';

// Each round uncovers one more level of repositories nested in repositories; real trees stop at two or three.
const maxRounds = 16;

/**
 * `git add -A` of the whole workspace, with nested repositories (a directory holding its own `.git`) staged
 * as plain files. Left alone, git records such a directory as a gitlink — a bare commit id whose files a
 * restore cannot bring back — or fails the whole add when it has no commit yet. Once one file inside is in
 * the index git walks the directory like any other (still skipping its `.git`), so each nested repository
 * is seeded with one of its files; one holding nothing but ignored files is left out instead.
 */
export async function stageWorkspace(git: GitRunner, gitDir: string, workTree: string): Promise<void> {
  const leftOut = new Set<string>();
  for (let round = 0; round < maxRounds; round++) {
    const nested = (await untrackedPaths(git, gitDir, workTree)).filter(
      (entry) => entry.endsWith('/') && !leftOut.has(entry),
    );
    if (nested.length === 0) break;
    const seeds: string[] = [];
    for (const dir of nested) {
      const seed = await findSeed(git, gitDir, workTree, dir, 0);
      if (seed === null) leftOut.add(dir);
      else seeds.push(seed);
    }
    if (seeds.length > 0) {
      await git.run(['update-index', '--add', '-z', '--stdin'], {
        gitDir,
        workTree,
        input: seeds.map((seed) => `${seed}\0`).join(''),
      });
    }
  }
  const exclusions = [...leftOut].map((dir) => `:(exclude,literal)${dir}`);
  await git.run(['add', '-A', '--', ...exclusions], { gitDir, workTree });
}

/** Untracked, not ignored paths; a nested repository shows up as one `dir/` entry. */
async function untrackedPaths(
  git: GitRunner,
  gitDir: string,
  workTree: string,
  extraEnv?: Record<string, string>,
): Promise<string[]> {
  const out = await git.text(['ls-files', '--others', '--exclude-standard', '-z'], {
    gitDir,
    workTree,
    extraEnv,
  });
  return out.split('\0').filter((entry) => entry !== '');
}

async function findSeed(
  git: GitRunner,
  gitDir: string,
  workTree: string,
  dir: string,
  depth: number,
): Promise<string | null> {
  // A scratch index that does not exist reads as empty, so every non-ignored file in `dir` is listed.
  const scratchIndex = { GIT_INDEX_FILE: path.join(gitDir, 'nested-scan.index') };
  const entries = await untrackedPaths(git, gitDir, path.join(workTree, dir), scratchIndex);
  const file = entries.find((entry) => !entry.endsWith('/'));
  if (file !== undefined) return `${dir}${file}`;
  if (depth >= maxRounds) return null;
  for (const inner of entries) {
    const seed = await findSeed(git, gitDir, workTree, `${dir}${inner}`, depth + 1);
    if (seed !== null) return seed;
  }
  return null;
}
