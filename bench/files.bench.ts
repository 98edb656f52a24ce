/**
 * Workspace files: reading a file through the API, listing a large tree, and the workspace watcher, each
 * against a bare baseline measured in the same run.
 *
 *   npm run bench -- files          (or: node --import tsx bench/files.bench.ts)
 *
 * 1. File read (req/s, autocannon in a child process through bench/lib/load.ts, interleaved rounds):
 *      baseline  a bare node:http server that reads <workspace>/bench.txt (4 KiB) from disk with
 *                fs.promises.readFile on every request and sends it as text/plain
 *      read      Vaporform's GET /api/projects/:id/files/bench.txt with `Authorization: Bearer <api token>`
 *    Goal: read / baseline >= 0.5 (ratio of req/s).
 *
 * 2. A 10,000-file workspace (100 leaf directories of 100 files, plus node_modules with 1,000 files that must
 *    be skipped), in a project created through the API:
 *      tree       GET /api/projects/:id/tree (median of 10, goal <= 100 ms) and listTree() called directly,
 *                 against a bare recursive fs.promises.readdir({withFileTypes}) walk (median of 10, interleaved);
 *                 two more rows show where listTree()'s time goes: the bare walk plus an lstat of every file
 *                 (listTree() returns sizes), and walkWorkspace() alone (its walk with .gitignore rules)
 *      readiness  new WorkspaceWatcher(...).watch(projectId) until it resolves (median of 5, fresh watcher
 *                 each time, disposed after; goal <= 300 ms), against fs.watch({recursive:false}) on every
 *                 directory the bare walk finds, and the bare walk itself
 *      change     fs.writeFile in the workspace → `file.changed` (median of 20), against fs.watch on a
 *                 directory outside the workspace seeing the same kind of write
 *    Times are compared as ratios to the baseline's time (lower is better); the goals are absolute ms.
 *
 * The watcher is measured before any API call touches the large project: the server's own watcher (started
 * by the API's file routes) would otherwise share @parcel/watcher's native watch of the same directory, and a
 * second subscribe would not crawl the tree again.
 *
 * Knobs (environment, clamped): BENCH_SECONDS (5), BENCH_WARMUP_SECONDS (1), BENCH_ROUNDS (2),
 * BENCH_CONNECTIONS (10), BENCH_TREE_RUNS (10), BENCH_WATCH_RUNS (5), BENCH_CHANGE_RUNS (20).
 */
import { watch, type FSWatcher } from 'node:fs';
import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { InProcessEventBus } from '../apps/server/src/platform/events/InProcessEventBus.js';
import { WorkspaceWatcher } from '../apps/server/src/services/files/index.js';
import { listTree } from '../apps/server/src/services/files/workspaceTree.js';
import { walkWorkspace } from '../apps/server/src/services/files/workspaceWalk.js';
import {
  closeHttpServer,
  envNumber,
  fmt,
  guard,
  host,
  listenLocal,
  machine,
  median,
  percentile,
  portOf,
  printTable,
  removeTempDir,
  round,
  sleep,
  tempDir,
  writeResult,
} from './lib/common.js';
import {
  autocannonVersion,
  checkTarget,
  loadBudgetMs,
  LoadGenerator,
  loadSettings,
  printLoadNotes,
  printLoadTable,
  roundSummaries,
  runInterleaved,
  summarize,
  type LoadTarget,
  type RunSummary,
} from './lib/load.js';
import {
  createProject,
  issueApiToken,
  json,
  startVaporform,
  type RunningVaporform,
} from './lib/vaporform.js';

const settings = loadSettings();
const treeRuns = Math.round(envNumber('BENCH_TREE_RUNS', 10, 3, 50));
const watchRuns = Math.round(envNumber('BENCH_WATCH_RUNS', 5, 1, 20));
const changeRuns = Math.round(envNumber('BENCH_CHANGE_RUNS', 20, 3, 100));
const goals = { read: 0.5, treeApiMs: 100, watchReadyMs: 300 } as const;

/** The generated workspace: groups × directories × files, plus node_modules that every listing must skip. */
const shape = {
  groups: 10,
  directoriesPerGroup: 10,
  filesPerDirectory: 100,
  packages: 10,
  filesPerPackage: 100,
};
const generatedFiles = shape.groups * shape.directoriesPerGroup * shape.filesPerDirectory;
const nodeModulesFiles = shape.packages * shape.filesPerPackage;
/** Where the change-latency writes go (a generated leaf directory, watched like every other). */
const changeDir = 'gen/g0/d0';
/** @parcel/watcher delivers the first change after >500 ms without a notification at once, later ones batched. */
const idleGapMs = 650;
const busyGapMs = 100;
const eventTimeoutMs = 5000;

type ReadTarget = 'baseline' | 'read';
const readTargets: readonly ReadTarget[] = ['baseline', 'read'];

/** The shape of GET /tree and listTree(); only what is counted here. */
interface TreeNode {
  path: string;
  type: string;
  children?: TreeNode[];
}

interface Counts {
  files: number;
  directories: number;
  /** Entries with node_modules or .git in their path: must be 0 in a default listing. */
  hidden: number;
}

const skipped = new Set(['node_modules', '.git']);
const ms = (value: number) => fmt(value, 1);

// ---------------------------------------------------------------------------------------------------------
// Part 1: file read

/** About 4 KiB of text, exactly 4096 bytes. */
function benchText(): string {
  let text = '';
  for (let line = 1; text.length < 4096; line++) {
    text += `line ${String(line).padStart(4, '0')}: the quick brown fox jumps over the lazy dog, twice.\n`;
  }
  return `${text.slice(0, 4095)}\n`;
}

async function startFileBaseline(file: string): Promise<http.Server> {
  const server = http.createServer((_request, response) => {
    readFile(file).then(
      (content) => {
        response.writeHead(200, {
          'content-type': 'text/plain; charset=utf-8',
          'content-length': content.length,
        });
        response.end(content);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      },
    );
  });
  await listenLocal(server);
  return server;
}

async function benchRead(vaporform: RunningVaporform, token: string, loadgen: LoadGenerator) {
  const { base, workspacesDir } = vaporform;
  const projectId = await createProject(base, token, 'bench-read');
  const text = benchText();
  await json(
    await fetch(`${base}/api/projects/${projectId}/files/bench.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: text,
    }),
  );
  const file = path.join(workspacesDir, projectId, 'bench.txt');
  if ((await readFile(file, 'utf8')) !== text) throw new Error(`${file} does not hold what was written`);

  const baseline = await startFileBaseline(file);
  try {
    const targets: Record<ReadTarget, LoadTarget> = {
      baseline: {
        name: 'baseline',
        url: `http://${host}:${portOf(baseline)}/bench.txt`,
        headers: {},
        expect: (body) => body === text,
      },
      read: {
        name: 'read',
        url: `${base}/api/projects/${projectId}/files/bench.txt`,
        headers: { authorization: `Bearer ${token}` },
        expect: (body) => body === text,
      },
    };
    for (const name of readTargets) await checkTarget(targets[name]);

    console.log('');
    console.log(
      `1. file read: GET of a ${Buffer.byteLength(text)}-byte text file, Vaporform vs a bare readFile server`,
    );
    console.log(
      `  ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.seconds} s ` +
        `measured per run, ${settings.rounds} interleaved rounds, autocannon ${autocannonVersion} in a child process`,
    );
    const runs = await runInterleaved(loadgen, targets, readTargets, settings);
    const summary = Object.fromEntries(readTargets.map((name) => [name, summarize(runs[name])])) as Record<
      ReadTarget,
      RunSummary
    >;
    const ratio = summary.read.requestsPerSecond / summary.baseline.requestsPerSecond;
    const roundRatios = runs.baseline.map(
      (run, index) => (runs.read[index]?.requestsPerSecond ?? Number.NaN) / run.requestsPerSecond,
    );
    console.log('');
    printLoadTable(readTargets, summary, { read: goals.read });
    console.log('');
    console.log(`  per-round ratios: ${roundRatios.map((r, index) => `#${index + 1} ${fmt(r)}`).join(', ')}`);
    console.log(
      `  goal: read/baseline >= ${goals.read} (ratio of mean req/s; informative, never a pass/fail test)`,
    );
    const failures = printLoadNotes(readTargets, summary);
    return {
      projectId,
      bytes: Buffer.byteLength(text),
      ratio,
      roundRatios,
      summary,
      runs,
      failures,
    };
  } finally {
    await closeHttpServer(baseline);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Part 2: a 10,000-file workspace

async function generateWorkspace(root: string): Promise<void> {
  const files: string[] = [];
  for (let group = 0; group < shape.groups; group++) {
    for (let directory = 0; directory < shape.directoriesPerGroup; directory++) {
      const relative = `gen/g${group}/d${directory}`;
      await mkdir(path.join(root, relative), { recursive: true });
      for (let file = 0; file < shape.filesPerDirectory; file++) files.push(`${relative}/f${file}.ts`);
    }
  }
  for (let pkg = 0; pkg < shape.packages; pkg++) {
    const relative = `node_modules/pkg${pkg}`;
    await mkdir(path.join(root, relative), { recursive: true });
    for (let file = 0; file < shape.filesPerPackage; file++) files.push(`${relative}/f${file}.js`);
  }
  for (let index = 0; index < files.length; index += 500) {
    await Promise.all(
      files
        .slice(index, index + 500)
        .map((relative, offset) =>
          writeFile(path.join(root, relative), `export const value = ${index + offset};\n`),
        ),
    );
  }
}

/** The baseline walk: readdir with file types, depth first, skipping node_modules and .git, nothing else. */
async function bareWalk(root: string): Promise<{ counts: Counts; directories: string[]; files: string[] }> {
  const counts: Counts = { files: 0, directories: 0, hidden: 0 };
  const directories = [root];
  const files: string[] = [];
  async function visit(directory: string): Promise<void> {
    for (const dirent of await readdir(directory, { withFileTypes: true })) {
      if (skipped.has(dirent.name)) continue;
      const absolute = path.join(directory, dirent.name);
      if (dirent.isDirectory()) {
        counts.directories++;
        directories.push(absolute);
        await visit(absolute);
      } else {
        counts.files++;
        files.push(absolute);
      }
    }
  }
  await visit(root);
  return { counts, directories, files };
}

/** The bare walk plus what listTree() adds to it: an lstat of every file, in parallel batches of 256. */
async function bareWalkWithSizes(root: string): Promise<number> {
  const { files } = await bareWalk(root);
  let bytes = 0;
  for (let index = 0; index < files.length; index += 256) {
    const sizes = await Promise.all(
      files.slice(index, index + 256).map(async (file) => (await lstat(file)).size),
    );
    for (const size of sizes) bytes += size;
  }
  return bytes;
}

/** listTree()'s walk alone (ignore rules, sorting, no stats). */
async function countWalkWorkspace(root: string): Promise<number> {
  let entries = 0;
  for await (const _entry of walkWorkspace(root)) entries++;
  return entries;
}

function countTree(nodes: readonly TreeNode[], counts: Counts = { files: 0, directories: 0, hidden: 0 }) {
  for (const node of nodes) {
    if (node.path.split('/').some((segment) => skipped.has(segment))) counts.hidden++;
    if (node.type === 'directory') counts.directories++;
    else counts.files++;
    countTree(node.children ?? [], counts);
  }
  return counts;
}

const sameCounts = (a: Counts, b: Counts) =>
  a.files === b.files && a.directories === b.directories && a.hidden === b.hidden;
const describe = (counts: Counts) =>
  `${counts.files} files, ${counts.directories} directories, ${counts.hidden} hidden`;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** The baseline for readiness: the bare walk, then a non-recursive fs.watch on every directory it found. */
async function bareWatchEveryDirectory(root: string): Promise<{ ms: number; directories: number }> {
  const watchers: FSWatcher[] = [];
  try {
    const { ms: elapsed } = await timed(async () => {
      const { directories } = await bareWalk(root);
      for (const directory of directories) {
        watchers.push(watch(directory, { recursive: false }).on('error', () => undefined));
      }
    });
    return { ms: elapsed, directories: watchers.length };
  } finally {
    for (const watcher of watchers) watcher.close();
  }
}

/** Notifications by key: `expect` resolves with the time `arrived` was called, or rejects after `eventTimeoutMs`. */
class Arrivals {
  private readonly waiting = new Map<string, (at: number) => void>();

  expect(key: string, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`no ${what} for ${key} within ${eventTimeoutMs} ms`));
      }, eventTimeoutMs);
      this.waiting.set(key, (at) => {
        clearTimeout(timer);
        this.waiting.delete(key);
        resolve(at);
      });
    });
  }

  arrived(key: string): void {
    this.waiting.get(key)?.(performance.now());
  }
}

/** Write → notification latency: waiter registered first, clock started just before fs.writeFile. */
async function writeAndWait(arrivals: Arrivals, key: string, file: string, what: string): Promise<number> {
  const arrival = arrivals.expect(key, what);
  const started = performance.now();
  await writeFile(file, `changed at ${started}\n`);
  return (await arrival) - started;
}

interface Stats {
  median: number;
  p90: number;
  min: number;
  max: number;
  samples: number[];
}

function stats(samples: readonly number[]): Stats {
  return {
    median: median(samples),
    p90: percentile(samples, 90),
    min: Math.min(...samples),
    max: Math.max(...samples),
    samples: samples.map((value) => round(value, 2)),
  };
}

async function benchWorkspace(vaporform: RunningVaporform, token: string, dataDir: string) {
  const { base, workspacesDir } = vaporform;
  const projectId = await createProject(base, token, 'bench-tree');
  const root = path.join(workspacesDir, projectId);
  const workspaceDir = (id: string) => path.join(workspacesDir, id);

  console.log('');
  console.log(
    `2. a ${generatedFiles.toLocaleString('en')}-file workspace: tree listing and the workspace watcher`,
  );
  const generation = await timed(() => generateWorkspace(root));
  const walked = await bareWalk(root);
  console.log(
    `  generated ${generatedFiles} files in ${shape.groups * shape.directoriesPerGroup} leaf directories ` +
      `+ node_modules with ${nodeModulesFiles} files in ${ms(generation.ms)} ms; ` +
      `visible (template included): ${describe(walked.counts)}`,
  );

  // ------------------------------------------------------------ watcher readiness (before any API touch)
  const errors: unknown[] = [];
  let live: WorkspaceWatcher | undefined;
  const readiness = { walk: [] as number[], fsWatch: [] as number[], watcher: [] as number[] };
  let watchedDirectories = 0;
  const change = { fsWatch: [] as number[], idle: [] as number[], busy: [] as number[] };
  let nodeModulesEvents = 0;
  let bareWatcher: FSWatcher | undefined;
  try {
    await bareWalk(root); // warm-up
    for (let run = 0; run < watchRuns; run++) {
      readiness.walk.push((await timed(() => bareWalk(root))).ms);
      const bare = await bareWatchEveryDirectory(root);
      readiness.fsWatch.push(bare.ms);
      watchedDirectories = bare.directories;
      const bus = new InProcessEventBus();
      const started = performance.now();
      live = new WorkspaceWatcher(bus, workspaceDir, (error) => errors.push(error));
      const held = await live.watch(projectId);
      readiness.watcher.push(performance.now() - started);
      await held.dispose();
      await live.dispose();
      live = undefined;
    }

    // ------------------------------------------------------------ change → event latency
    const bus = new InProcessEventBus((error) => errors.push(error));
    const arrivals = new Arrivals();
    bus.subscribe('file.changed', (event) => {
      if (event.projectId !== projectId) return;
      if (event.path.split('/').includes('node_modules')) nodeModulesEvents++;
      arrivals.arrived(`watcher:${event.path}`);
    });
    live = new WorkspaceWatcher(bus, workspaceDir, (error) => errors.push(error));
    await live.watch(projectId); // held until live.dispose()
    const bareDir = path.join(dataDir, 'bare-watch');
    await mkdir(bareDir, { recursive: true });
    bareWatcher = watch(bareDir, { recursive: false }, (_type, filename) => {
      if (filename) arrivals.arrived(`bare:${filename}`);
    }).on('error', (error) => errors.push(error));

    await sleep(idleGapMs);
    for (let run = 0; run < changeRuns; run++) {
      const relative = `${changeDir}/idle-${run}.txt`;
      change.idle.push(
        await writeAndWait(arrivals, `watcher:${relative}`, path.join(root, relative), 'event'),
      );
      const name = `bare-${run}.txt`;
      change.fsWatch.push(await writeAndWait(arrivals, `bare:${name}`, path.join(bareDir, name), 'fs.watch'));
      await sleep(idleGapMs);
    }
    // A burst: each write follows the previous notification by ~100 ms, so @parcel/watcher batches it.
    const primer = `${changeDir}/busy-primer.txt`;
    await writeAndWait(arrivals, `watcher:${primer}`, path.join(root, primer), 'event');
    for (let run = 0; run < Math.ceil(changeRuns / 2); run++) {
      await sleep(busyGapMs);
      const relative = `${changeDir}/busy-${run}.txt`;
      change.busy.push(
        await writeAndWait(arrivals, `watcher:${relative}`, path.join(root, relative), 'event'),
      );
    }
    // node_modules is ignored by the watcher: a write there must not be reported (a control write must).
    await sleep(idleGapMs);
    await writeFile(path.join(root, 'node_modules/pkg0/changed.js'), 'export {};\n');
    const control = `${changeDir}/control.txt`;
    await writeAndWait(arrivals, `watcher:${control}`, path.join(root, control), 'event');
    await sleep(idleGapMs);
  } finally {
    bareWatcher?.close();
    await live?.dispose();
  }

  // ------------------------------------------------------------ tree listing
  const treeUrl = `${base}/api/projects/${projectId}/tree`;
  const headers = { authorization: `Bearer ${token}` };
  const getTree = async () => {
    const response = await fetch(treeUrl, { headers });
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200)
      throw new Error(`${treeUrl} answered ${response.status}: ${body.toString('utf8')}`);
    return body;
  };
  // The first API request also starts the server's watcher on the project (not awaited by the route).
  const first = await timed(getTree);
  const apiTree = JSON.parse(first.value.toString('utf8')) as { root: TreeNode[]; truncated: boolean };
  const apiCounts = countTree(apiTree.root);
  const direct = await listTree(root);
  const directCounts = countTree(direct.root);
  // What a listing must show now: the generated files, the template and the change-latency writes above.
  const visible = (await bareWalk(root)).counts;
  await sleep(1000); // let the server's watcher finish its crawl before measuring
  const tree = {
    walk: [] as number[],
    walkStat: [] as number[],
    walkWorkspace: [] as number[],
    listTree: [] as number[],
    api: [] as number[],
  };
  for (let run = 0; run < treeRuns; run++) {
    tree.walk.push((await timed(() => bareWalk(root))).ms);
    tree.walkStat.push((await timed(() => bareWalkWithSizes(root))).ms);
    tree.walkWorkspace.push((await timed(() => countWalkWorkspace(root))).ms);
    tree.listTree.push((await timed(() => listTree(root))).ms);
    tree.api.push((await timed(getTree)).ms);
  }

  // ------------------------------------------------------------ report
  const treeStats = {
    walk: stats(tree.walk),
    walkStat: stats(tree.walkStat),
    walkWorkspace: stats(tree.walkWorkspace),
    listTree: stats(tree.listTree),
    api: stats(tree.api),
  };
  const treeRatio = (key: keyof typeof treeStats) => treeStats[key].median / treeStats.walk.median;
  const treeRow = (label: string, key: keyof typeof treeStats, goal: string, entries: string) => [
    label,
    ms(treeStats[key].median),
    ms(treeStats[key].min),
    ms(treeStats[key].max),
    fmt(treeRatio(key)),
    goal,
    entries,
  ];
  console.log('');
  console.log(
    `  tree listing, median of ${treeRuns} (interleaved; ratio = time / bare walk time, lower is better)`,
  );
  printTable([
    ['what', 'median ms', 'min ms', 'max ms', 'ratio', 'goal', 'entries'],
    treeRow('bare readdir walk (baseline)', 'walk', '', describe(visible)),
    treeRow('  + lstat of every file', 'walkStat', '', 'same, with sizes'),
    treeRow('walkWorkspace() (no sizes)', 'walkWorkspace', '', 'same as listTree'),
    treeRow('listTree() direct', 'listTree', '', describe(directCounts)),
    treeRow(
      'GET /api/projects/:id/tree',
      'api',
      `<= ${goals.treeApiMs} ms ${treeStats.api.median <= goals.treeApiMs ? 'met' : 'MISSED'}`,
      describe(apiCounts),
    ),
  ]);
  console.log(
    `  first GET /tree (also starts the project's watcher): ${ms(first.ms)} ms; ` +
      `body ${(first.value.length / 1024).toFixed(0)} KiB; truncated: ${apiTree.truncated}`,
  );
  console.log(
    '  the bare walks skip node_modules and .git by name; walkWorkspace() and listTree() also apply .gitignore',
  );
  const treeProblems: string[] = [];
  if (!sameCounts(apiCounts, visible))
    treeProblems.push('the API tree does not list what the bare walk finds');
  if (!sameCounts(directCounts, visible))
    treeProblems.push('listTree() does not list what the bare walk finds');
  if (apiTree.truncated || direct.truncated) treeProblems.push('the listing was truncated');
  for (const problem of treeProblems) console.log(`  !! ${problem}`);

  const readyStats = {
    walk: stats(readiness.walk),
    fsWatch: stats(readiness.fsWatch),
    watcher: stats(readiness.watcher),
  };
  const readyRatio = readyStats.watcher.median / readyStats.fsWatch.median;
  const readyWalkRatio = readyStats.watcher.median / readyStats.walk.median;
  console.log('');
  console.log(
    `  watcher readiness, median of ${watchRuns} (interleaved; fresh WorkspaceWatcher each time, disposed after)`,
  );
  console.log(
    `  baseline: bare walk + fs.watch({recursive:false}) on each of the ${watchedDirectories} directories; ` +
      'ratios are time / baseline time',
  );
  printTable([
    ['what', 'median ms', 'min ms', 'max ms', 'ratio to fs.watch', 'ratio to walk', 'goal'],
    [
      'bare readdir walk',
      ms(readyStats.walk.median),
      ms(readyStats.walk.min),
      ms(readyStats.walk.max),
      fmt(readyStats.walk.median / readyStats.fsWatch.median),
      '1.00',
      '',
    ],
    [
      'fs.watch every dir (baseline)',
      ms(readyStats.fsWatch.median),
      ms(readyStats.fsWatch.min),
      ms(readyStats.fsWatch.max),
      '1.00',
      fmt(readyStats.fsWatch.median / readyStats.walk.median),
      '',
    ],
    [
      'WorkspaceWatcher.watch()',
      ms(readyStats.watcher.median),
      ms(readyStats.watcher.min),
      ms(readyStats.watcher.max),
      fmt(readyRatio),
      fmt(readyWalkRatio),
      `<= ${goals.watchReadyMs} ms ${readyStats.watcher.median <= goals.watchReadyMs ? 'met' : 'MISSED'}`,
    ],
  ]);

  const changeStats = { fsWatch: stats(change.fsWatch), idle: stats(change.idle), busy: stats(change.busy) };
  console.log('');
  console.log(`  change → event latency (fs.writeFile start → notification; ratio = time / fs.watch time)`);
  printTable([
    ['what', 'runs', 'median ms', 'p90 ms', 'min ms', 'max ms', 'ratio'],
    [
      'fs.watch, one directory (baseline)',
      change.fsWatch.length,
      ms(changeStats.fsWatch.median),
      ms(changeStats.fsWatch.p90),
      ms(changeStats.fsWatch.min),
      ms(changeStats.fsWatch.max),
      '1.00',
    ],
    [
      `file.changed, write after ${idleGapMs} ms quiet`,
      change.idle.length,
      ms(changeStats.idle.median),
      ms(changeStats.idle.p90),
      ms(changeStats.idle.min),
      ms(changeStats.idle.max),
      fmt(changeStats.idle.median / changeStats.fsWatch.median),
    ],
    [
      `file.changed, write ${busyGapMs} ms after the last`,
      change.busy.length,
      ms(changeStats.busy.median),
      ms(changeStats.busy.p90),
      ms(changeStats.busy.min),
      ms(changeStats.busy.max),
      fmt(changeStats.busy.median / changeStats.fsWatch.median),
    ],
  ]);
  console.log(
    '  @parcel/watcher reports the first change after >500 ms without a notification at once and batches',
  );
  console.log('  later ones for 50 ms; the "quiet" row is a single save, the other a burst.');
  console.log(`  writes under node_modules reported: ${nodeModulesEvents} (must be 0; a control write was)`);
  if (nodeModulesEvents > 0) treeProblems.push('the watcher reported a change under node_modules');
  if (errors.length > 0) {
    console.log(`  !! ${errors.length} watcher errors, first: ${String(errors[0])}`);
    treeProblems.push('the watcher reported errors');
  }
  return {
    projectId,
    shape,
    generationMs: round(generation.ms, 1),
    generated: walked.counts,
    visible,
    listed: { api: apiCounts, listTree: directCounts },
    apiBodyBytes: first.value.length,
    firstApiTreeMs: round(first.ms, 2),
    tree: treeStats,
    treeRatios: {
      walkStat: round(treeRatio('walkStat'), 3),
      walkWorkspace: round(treeRatio('walkWorkspace'), 3),
      listTree: round(treeRatio('listTree'), 3),
      api: round(treeRatio('api'), 3),
    },
    readiness: readyStats,
    readinessBaseline: `bare walk + fs.watch({recursive:false}) on ${watchedDirectories} directories`,
    readinessRatios: { toFsWatch: round(readyRatio, 3), toWalk: round(readyWalkRatio, 3) },
    change: changeStats,
    changeRatios: {
      idle: round(changeStats.idle.median / changeStats.fsWatch.median, 3),
      busy: round(changeStats.busy.median / changeStats.fsWatch.median, 3),
    },
    nodeModulesEvents,
    problems: treeProblems,
  };
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const workspaceBudgetMs = (changeRuns * 2 + 10) * idleGapMs + treeRuns * 2000 + watchRuns * 3000;
  guard('files.bench', loadBudgetMs(settings, readTargets.length) + workspaceBudgetMs + 120_000);
  console.log(
    'files.bench: workspace files through Vaporform against bare baselines, same run, 127.0.0.1 only',
  );

  const dataDir = tempDir('vaporform-bench-files-');
  let vaporform: RunningVaporform | undefined;
  let loadgen: LoadGenerator | undefined;
  try {
    vaporform = await startVaporform(dataDir);
    const token = await issueApiToken(vaporform.base);
    loadgen = LoadGenerator.start();
    const read = await benchRead(vaporform, token, loadgen);
    await loadgen.stop();
    loadgen = undefined;
    const workspace = await benchWorkspace(vaporform, token, dataDir);

    console.log('');
    const file = writeResult('files', {
      benchmark: 'files',
      date: new Date().toISOString(),
      machine: machine(),
      settings: {
        ...settings,
        treeRuns,
        watchRuns,
        changeRuns,
        loadGenerator: `autocannon ${autocannonVersion} in a child process`,
      },
      goals,
      read: {
        bytes: read.bytes,
        ratio: round(read.ratio, 3),
        roundRatios: read.roundRatios.map((value) => round(value, 3)),
        summary: roundSummaries(read.summary),
        runs: read.runs,
      },
      workspace,
    });
    console.log(`  wrote ${file}`);
    if (read.failures > 0 || workspace.problems.length > 0) {
      console.log('  !! the run was not valid (see above)');
      process.exitCode = 1;
    }
  } finally {
    await loadgen?.stop();
    await vaporform?.server.close();
    removeTempDir(dataDir);
  }
}

main()
  .catch((error: unknown) => {
    console.error('files.bench failed:', error);
    process.exitCode = 1;
  })
  // Stop by ourselves even if some library left a handle open.
  .finally(() => process.exit());
