import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const lockDir = `${repoRoot}/apps/web/.build-lock`;

/**
 * Builds the server bundle and the web app when their sources changed (`scripts/build.mjs --if-stale`, as
 * `npm start` does). Browser suites run in parallel workers, so one builds while the others wait.
 */
export async function ensureBuilt(): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      // A lock left by a killed run is stale after the longest build we have seen, with a margin.
      const lock = statSync(lockDir, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 4 * 60_000) rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('waited 5 minutes for another build of the web app');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    const result = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}\n${result.stderr}`);
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
