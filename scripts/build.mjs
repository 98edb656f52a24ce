#!/usr/bin/env node
// Builds what `npm start` serves: the server bundle (esbuild) and the web app (Vite).
// `--if-stale` skips each part whose output is newer than all of its inputs, so a second start costs
// milliseconds instead of a rebuild.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const ifStale = process.argv.includes('--if-stale');

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

function stale(output, inputs) {
  if (!ifStale || !existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return inputs.some((input) => newestMtime(path.join(root, input)) > built);
}

const serverOut = path.join(root, 'apps/server/dist/main.js');
if (stale(serverOut, ['apps/server/src', 'packages/contracts/src', 'package-lock.json'])) {
  const started = Date.now();
  await build({
    entryPoints: [path.join(root, 'apps/server/src/main.ts')],
    outfile: serverOut,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    alias: { '@vaporform/contracts': path.join(root, 'packages/contracts/src/index.ts') },
    sourcemap: true,
    logLevel: 'warning',
  });
  console.log(`built server in ${Date.now() - started} ms`);
}

const webOut = path.join(root, 'apps/web/dist/index.html');
if (
  stale(webOut, ['apps/web/src', 'apps/web/index.html', 'apps/web/vite.config.ts', 'packages/contracts/src'])
) {
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: path.join(root, 'apps/web'),
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
  console.log('built web app');
}
