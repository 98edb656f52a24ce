/**
 * Login → interactive workbench in Chromium, on the built assets served by the built server (what `npm start`
 * runs), against a bare page in the same browser and run: a node:http server sending one HTML page whose
 * script renders one element. Each round uses a fresh browser context (no cache, no cookies), so this is the
 * first visit of the day. Also prints the web bundle's sizes (raw and gzip) and what the login page loads.
 *
 *   npm run bench -- ide-load     (needs Debian Chromium: bash scripts/ci/install-chromium.sh)
 *
 * "Interactive" = the explorer shows the project's files and the editor area is rendered. Goal: p50 ≤ 2 s.
 * Knobs: BENCH_ROUNDS (default 7).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../tests/browser/support/chromium.js';
import { ensureBuilt } from '../tests/support/build.js';
import { startIde } from '../tests/browser/support/runningIde.js';
import {
  envNumber,
  fmt,
  guard,
  listenLocal,
  machine,
  median,
  percentile,
  printTable,
  repoRoot,
  writeResult,
} from './lib/common.js';

guard('ide-load', 8 * 60_000);
const rounds = envNumber('BENCH_ROUNDS', 7, 1, 50);
const password = 'bench-password-1234';

const barePage = `<!doctype html><html><head><title>bare</title></head><body><div id="root"></div>
<script>document.getElementById('root').innerHTML = '<ul role="tree"><li role="treeitem" aria-label="package.json">package.json</li></ul>';</script>
</body></html>`;

function bundleSizes() {
  const assets = path.join(repoRoot, 'apps/web/dist/assets');
  const files = readdirSync(assets).map((name) => {
    const bytes = readFileSync(path.join(assets, name));
    return { name, bytes: statSync(path.join(assets, name)).size, gzip: gzipSync(bytes).length };
  });
  const index = readFileSync(path.join(repoRoot, 'apps/web/dist/index.html'), 'utf8');
  const initial = files.filter((file) => index.includes(file.name));
  const sum = (list: typeof files, key: 'bytes' | 'gzip') =>
    list.reduce((total, file) => total + file[key], 0);
  return {
    totalBytes: sum(files, 'bytes'),
    totalGzip: sum(files, 'gzip'),
    initialBytes: sum(initial, 'bytes'),
    initialGzip: sum(initial, 'gzip'),
    largest: files.sort((a, b) => b.bytes - a.bytes).slice(0, 6),
  };
}

async function main() {
  await ensureBuilt();
  const ide = await startIde({ VAPORFORM_AUTOSTART: 'false' });
  const bare = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(barePage);
  });
  const barePort = await listenLocal(bare);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const setup = await browser.newContext();
    const signup = await setup.request.post(`${ide.origin}/api/auth/signup`, {
      data: { email: 'bench@example.com', password, name: 'Bench' },
    });
    if (signup.status() !== 201) throw new Error(`signup answered ${signup.status()}`);
    const created = await setup.request.post(`${ide.origin}/api/projects`, {
      data: { name: 'Bench', templateId: 'node-express' },
    });
    const project = (await created.json()) as { id: string };
    await setup.close();

    const bareMs: number[] = [];
    const ideMs: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      {
        const context = await browser.newContext();
        const page = await context.newPage();
        const started = performance.now();
        await page.goto(`http://127.0.0.1:${barePort}/`);
        await page.getByRole('treeitem', { name: 'package.json' }).waitFor();
        bareMs.push(performance.now() - started);
        await context.close();
      }
      {
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        const page = await context.newPage();
        await page.goto(`${ide.origin}/login?next=${encodeURIComponent(`/projects/${project.id}`)}`);
        await page.getByLabel('Email').fill('bench@example.com');
        await page.getByLabel('Password').fill(password);
        const started = performance.now();
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.getByRole('treeitem', { name: 'package.json' }).waitFor({ timeout: 30_000 });
        ideMs.push(performance.now() - started);
        await context.close();
      }
    }
    const sizes = bundleSizes();
    const kib = (bytes: number) => `${fmt(bytes / 1024, 0)} KiB`;
    console.log(`\nide-load: ${rounds} rounds, fresh browser context each (${machine().cpus} cores)\n`);
    printTable([
      ['target', 'p50 ms', 'p90 ms', 'ratio p50'],
      ['bare page', fmt(median(bareMs), 0), fmt(percentile(bareMs, 90), 0), '1.00'],
      [
        'login → workbench',
        fmt(median(ideMs), 0),
        fmt(percentile(ideMs, 90), 0),
        fmt(median(ideMs) / median(bareMs)),
      ],
    ]);
    console.log(
      `\nbundle: ${kib(sizes.totalBytes)} (${kib(sizes.totalGzip)} gzip) in all; the first page loads ${kib(sizes.initialBytes)} (${kib(sizes.initialGzip)} gzip)`,
    );
    printTable([
      ['largest assets', 'raw', 'gzip'],
      ...sizes.largest.map((file) => [file.name, kib(file.bytes), kib(file.gzip)]),
    ]);
    console.log(`\ngoal: login → workbench p50 ≤ 2000 ms: ${median(ideMs) <= 2000 ? 'met' : 'missed'}`);
    console.log(`result: ${writeResult('ide-load', { machine: machine(), rounds, bareMs, ideMs, sizes })}`);
  } finally {
    await browser?.close();
    bare.close();
    await ide.stop();
  }
}

await main();
