import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/**
 * One build at a time across the suites' parallel workers: two builds writing apps/server/dist at once
 * would leave a torn bundle.
 */
const lockDir = `${repoRoot}/apps/web/.build-lock`;

/** `node scripts/build.mjs --if-stale` plus `flags`, while holding the lock; the others wait for it. */
async function buildIfStale(flags: string[]): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      // A lock left by a killed run is stale after the longest build we have seen, with a margin.
      const lock = statSync(lockDir, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 4 * 60_000) rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('waited 5 minutes for another build');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    const result = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale', ...flags], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}\n${result.stderr}`);
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** The server bundle and the web app, when their sources changed, as `npm start` builds them. */
export function ensureBuilt(): Promise<void> {
  return buildIfStale([]);
}

/** The server bundles alone (no web app), as `npm run secrets:rotate` builds them. */
export function ensureServerBuilt(): Promise<void> {
  return buildIfStale(['--server-only']);
}
