#!/usr/bin/env node
// Builds what `npm start` serves: the server bundles (esbuild: the server, and the secrets rotation command)
// and the web app (Vite). `--if-stale` skips each part whose output is newer than all of its inputs, so a
// second start costs milliseconds instead of a rebuild; `--server-only` skips the web app (for commands).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const ifStale = process.argv.includes('--if-stale');
const serverOnly = process.argv.includes('--server-only');

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

/**
 * Writes `.br` and `.gz` beside every text asset, which the server sends as they are (@fastify/static's
 * `preCompressed`): Monaco's 15 MB download becomes ~3.5 MB without compressing on every request.
 */
function precompress(dir) {
  const totals = { raw: 0, brotli: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() || !/\.(js|css|html|svg|json|ttf|map)$/.test(entry.name)) continue;
    const content = readFileSync(file);
    if (content.length < 1024) continue;
    const brotli = brotliCompressSync(content, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 9,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    });
    writeFileSync(`${file}.br`, brotli);
    writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
    totals.raw += content.length;
    totals.brotli += brotli.length;
  }
  return totals;
}

function stale(output, inputs) {
  if (!ifStale || !existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return inputs.some((input) => newestMtime(path.join(root, input)) > built);
}

const serverDist = path.join(root, 'apps/server/dist');
const serverEntries = ['main', 'secretsRotate'];
if (
  serverEntries.some((entry) => !existsSync(path.join(serverDist, `${entry}.js`))) ||
  stale(path.join(serverDist, 'main.js'), ['apps/server/src', 'packages/contracts/src', 'package-lock.json'])
) {
  const started = Date.now();
  await build({
    entryPoints: serverEntries.map((entry) => path.join(root, `apps/server/src/${entry}.ts`)),
    outdir: serverDist,
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
  !serverOnly &&
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
  const saved = precompress(path.join(root, 'apps/web/dist'));
  console.log(
    `built web app (precompressed: ${Math.round(saved.raw / 1024)} KiB → ${Math.round(saved.brotli / 1024)} KiB brotli)`,
  );
}
