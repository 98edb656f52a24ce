/**
 * Cold start and shutdown of the built server on an existing data directory, against a bare node start
 * measured in the same run.
 *
 *   npm run bench -- coldstart     (or: node --import tsx bench/coldstart.bench.ts)
 *
 * Steps:
 *   1. `node scripts/build.mjs` once, so apps/server/dist/main.js is the current source.
 *   2. Start the server once on a fresh data dir (database created and migrated), wait until GET /api/health
 *      answers, SIGTERM it and check it exits 0. Only the start-ups after this one are measured.
 *   3. N times, interleaved with the baseline: spawn `node apps/server/dist/main.js`, time spawn → first 200
 *      from /api/health (polled every 10 ms on 127.0.0.1), SIGTERM, time until the process has exited, and
 *      record the exit code. The baseline is `node -e "<bare node:http server answering /api/health>"`,
 *      timed the same way, so the ratio cancels out how fast this machine is today.
 *   4. `npm start` a couple of times, timed the same way. npm adds its own start-up (the npm CLI, a shell,
 *      and `scripts/build.mjs --if-stale`), so it is reported on its own, not as the server's cold start.
 *
 * There is no fixed goal for the ratio here; it is tracked so that a change that makes start-up slower shows.
 * Every child is killed when this process ends, whichever way it ends.
 *
 * Knobs (environment, clamped): BENCH_COLDSTART_RUNS (5), BENCH_NPM_RUNS (2).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  envNumber,
  freePort,
  getStatus,
  guard,
  host,
  machine,
  median,
  printTable,
  repoRoot,
  round,
  sleep,
  track,
  tempDir,
  removeTempDir,
  writeResult,
} from './lib/common.js';

const runs = Math.round(envNumber('BENCH_COLDSTART_RUNS', 5, 1, 30));
const npmRuns = Math.round(envNumber('BENCH_NPM_RUNS', 2, 0, 10));
const pollMs = 10;
const startTimeoutMs = 60_000;
const stopTimeoutMs = 15_000;
const mainJs = path.join(repoRoot, 'apps/server/dist/main.js');

/** The baseline: the least a node process can do to answer the same health check. */
const bareServer = `
const http = require('node:http');
const body = '{"status":"ok"}';
const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/api/health' ? 200 : 404, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

interface Sample {
  kind: 'baseline' | 'server' | 'npm start';
  startMs: number;
  stopMs: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** What the server itself logs as `startupMs` (from main() to listening), when it logs it. */
  selfReportedStartupMs: number | null;
}

/**
 * The environment of every child. NODE_OPTIONS is dropped so that a loader this benchmark may run under
 * (tsx) is not inherited: the built server must start as it would in production.
 */
function childEnv(port: number, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: host,
    VAPORFORM_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  };
  delete env.NODE_OPTIONS;
  return env;
}

interface Started {
  child: ChildProcess;
  startMs: number;
  output: () => string;
}

/**
 * Spawns `command` in its own process group (so `npm start` can be stopped as a whole) and resolves once
 * GET /api/health answers 200, with the time from just before spawn.
 */
async function startAndWait(
  command: string,
  args: string[],
  port: number,
  dataDir: string,
): Promise<Started> {
  const chunks: string[] = [];
  const started = performance.now();
  const child = track(
    spawn(command, args, {
      cwd: repoRoot,
      env: childEnv(port, dataDir),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  const output = () => chunks.join('');
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));

  for (;;) {
    if (spawnError) throw spawnError;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${command} ${args.join(' ')} exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`,
      );
    }
    if (performance.now() - started > startTimeoutMs) {
      throw new Error(
        `${command} ${args.join(' ')} did not answer within ${startTimeoutMs} ms:\n${output()}`,
      );
    }
    const status = await getStatus(port, '/api/health', 1000).catch(() => 0);
    if (status === 200) return { child, startMs: performance.now() - started, output };
    await sleep(pollMs);
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERMs the child's process group and waits until the whole group is gone (for `npm start`: npm, its
 * shell and the server under it). The exit code is the direct child's.
 */
async function stop(
  child: ChildProcess,
): Promise<{ stopMs: number; exitCode: number | null; signal: NodeJS.Signals | null }> {
  const pid = child.pid;
  if (pid === undefined) throw new Error('child has no pid');
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const started = performance.now();
  process.kill(-pid, 'SIGTERM');
  const deadline = started + stopTimeoutMs;
  const timedOut = await Promise.race([exited.then(() => false), sleep(stopTimeoutMs).then(() => true)]);
  while (!timedOut && groupAlive(pid) && performance.now() < deadline) await sleep(2);
  const stopMs = performance.now() - started;
  if (timedOut || groupAlive(pid)) {
    process.kill(-pid, 'SIGKILL');
    await exited;
    throw new Error(`process group ${pid} was still running ${stopTimeoutMs} ms after SIGTERM`);
  }
  return { stopMs, exitCode: child.exitCode, signal: child.signalCode };
}

function selfReportedStartup(output: string): number | null {
  for (const line of output.split('\n')) {
    if (!line.includes('"startupMs"')) continue;
    try {
      const parsed = JSON.parse(line) as { startupMs?: unknown };
      if (typeof parsed.startupMs === 'number') return parsed.startupMs;
    } catch {
      // not a log line
    }
  }
  return null;
}

async function measure(kind: Sample['kind'], dataDir: string): Promise<Sample> {
  const port = await freePort();
  const [command, args] =
    kind === 'baseline'
      ? [process.execPath, ['-e', bareServer]]
      : kind === 'server'
        ? [process.execPath, [mainJs]]
        : ['npm', ['start']];
  const started = await startAndWait(command, args, port, dataDir);
  const stopped = await stop(started.child);
  return {
    kind,
    startMs: started.startMs,
    ...stopped,
    selfReportedStartupMs: kind === 'baseline' ? null : selfReportedStartup(started.output()),
  };
}

const ms = (value: number | null | undefined) =>
  value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(0);

async function main(): Promise<void> {
  guard('coldstart.bench', (300 + (runs * 2 + npmRuns) * 30) * 1000);
  console.log(
    'coldstart.bench: spawn → first 200 from /api/health, against a bare node:http start, same run',
  );

  // 1. Build.
  const buildStarted = performance.now();
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], {
    cwd: repoRoot,
    stdio: 'inherit',
    timeout: 300_000,
  });
  if (build.status !== 0)
    throw new Error(`node scripts/build.mjs failed (status ${build.status}, signal ${build.signal})`);
  if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing after the build`);
  console.log(`  build: ${ms(performance.now() - buildStarted)} ms`);

  const dataDir = tempDir('vaporform-bench-coldstart-');
  try {
    // 2. First start creates and migrates the database; it is reported but not part of the cold-start figure.
    const first = await measure('server', dataDir);
    if (first.exitCode !== 0) {
      throw new Error(
        `the first run exited with ${first.exitCode ?? first.signal} after SIGTERM, expected 0`,
      );
    }
    console.log(
      `  first start (creates the data dir): ${ms(first.startMs)} ms, shutdown ${ms(first.stopMs)} ms, exit 0`,
    );

    // 3. Interleaved: baseline, server, baseline, server, ...
    const samples: Sample[] = [];
    for (let index = 1; index <= runs; index++) {
      for (const kind of ['baseline', 'server'] as const) {
        const sample = await measure(kind, dataDir);
        samples.push(sample);
        console.log(
          `  run ${index} ${kind.padEnd(8)} start ${ms(sample.startMs).padStart(5)} ms  shutdown ${ms(sample.stopMs).padStart(4)} ms  ` +
            `exit ${sample.exitCode ?? sample.signal}` +
            (sample.selfReportedStartupMs === null
              ? ''
              : `  (server logs startupMs ${sample.selfReportedStartupMs})`),
        );
      }
    }

    // 4. npm start.
    const noopBuildStarted = performance.now();
    const noopBuild = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    const noopBuildMs = noopBuild.status === 0 ? performance.now() - noopBuildStarted : Number.NaN;
    for (let index = 1; index <= npmRuns; index++) {
      const sample = await measure('npm start', dataDir);
      samples.push(sample);
      console.log(
        `  run ${index} npm start start ${ms(sample.startMs).padStart(5)} ms  shutdown ${ms(sample.stopMs).padStart(4)} ms  ` +
          `exit ${sample.exitCode ?? sample.signal}`,
      );
    }

    // ------------------------------------------------------------------ summary
    const of = (kind: Sample['kind']) => samples.filter((sample) => sample.kind === kind);
    const stats = (kind: Sample['kind']) => {
      const list = of(kind);
      return {
        runs: list.length,
        medianStartMs: median(list.map((sample) => sample.startMs)),
        minStartMs: Math.min(...list.map((sample) => sample.startMs)),
        maxStartMs: Math.max(...list.map((sample) => sample.startMs)),
        medianStopMs: median(list.map((sample) => sample.stopMs)),
        exitCodes: [...new Set(list.map((sample) => sample.exitCode ?? sample.signal))],
      };
    };
    const baseline = stats('baseline');
    const server = stats('server');
    const npm = stats('npm start');
    const ratio = server.medianStartMs / baseline.medianStartMs;
    const npmRatio = npm.medianStartMs / baseline.medianStartMs;
    const selfReported = median(
      of('server')
        .map((sample) => sample.selfReportedStartupMs)
        .filter((value): value is number => value !== null),
    );

    console.log('');
    printTable([
      [
        'start',
        'runs',
        'median start ms',
        'min',
        'max',
        'ratio to bare node',
        'median shutdown ms',
        'exit codes',
      ],
      [
        'bare node -e',
        baseline.runs,
        ms(baseline.medianStartMs),
        ms(baseline.minStartMs),
        ms(baseline.maxStartMs),
        '1.00',
        ms(baseline.medianStopMs),
        baseline.exitCodes.join(','),
      ],
      [
        'node dist/main.js',
        server.runs,
        ms(server.medianStartMs),
        ms(server.minStartMs),
        ms(server.maxStartMs),
        ratio.toFixed(2),
        ms(server.medianStopMs),
        server.exitCodes.join(','),
      ],
      ...(npm.runs > 0
        ? [
            [
              'npm start',
              npm.runs,
              ms(npm.medianStartMs),
              ms(npm.minStartMs),
              ms(npm.maxStartMs),
              npmRatio.toFixed(2),
              ms(npm.medianStopMs),
              npm.exitCodes.join(','),
            ],
          ]
        : []),
    ]);
    console.log('');
    console.log(
      `  cold start of the built server: ${ms(server.medianStartMs)} ms median = ${ratio.toFixed(2)}x a bare node start`,
    );
    console.log(
      `    of which main() → listening, as the server logs it (startupMs): ${ms(selfReported)} ms median;`,
    );
    console.log('    the rest is node itself plus loading the bundle and its packages');
    console.log(
      `  shutdown on SIGTERM: ${ms(server.medianStopMs)} ms median, exit codes ${server.exitCodes.join(',')} (0 expected)`,
    );
    if (npm.runs > 0) {
      console.log(
        `  npm start: ${ms(npm.medianStartMs)} ms median; npm adds its CLI, a shell and build.mjs --if-stale ` +
          `(${ms(noopBuildMs)} ms on its own when nothing is stale). Its exit code is npm's, not the server's.`,
      );
    }
    console.log(
      `  timing: spawn → first 200, health polled every ${pollMs} ms on fresh connections; same for every row`,
    );

    const file = writeResult('coldstart', {
      benchmark: 'coldstart',
      date: new Date().toISOString(),
      machine: machine(),
      settings: { runs, npmRuns, pollMs },
      firstStart: {
        startMs: round(first.startMs, 1),
        stopMs: round(first.stopMs, 1),
        exitCode: first.exitCode,
      },
      summary: {
        baseline: roundAll(baseline),
        server: { ...roundAll(server), medianSelfReportedStartupMs: selfReported },
        npmStart: { ...roundAll(npm), noopBuildMs: round(noopBuildMs, 1) },
        ratio: round(ratio, 3),
        npmRatio: round(npmRatio, 3),
      },
      samples: samples.map((sample) => ({
        ...sample,
        startMs: round(sample.startMs, 1),
        stopMs: round(sample.stopMs, 1),
      })),
    });
    console.log(`  wrote ${file}`);
    if (server.exitCodes.some((code) => code !== 0)) {
      console.log('  !! the server did not always exit 0 on SIGTERM');
      process.exitCode = 1;
    }
  } finally {
    removeTempDir(dataDir);
  }
}

function roundAll<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [key, typeof entry === 'number' ? round(entry, 1) : entry]),
  ) as T;
}

main()
  .catch((error: unknown) => {
    console.error('coldstart.bench failed:', error);
    process.exitCode = 1;
  })
  .finally(() => process.exit());
