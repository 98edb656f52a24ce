/**
 * HTTP throughput of Vaporform's edge against a bare node:http server, measured in the same run.
 *
 *   npm run bench -- http          (or: node --import tsx bench/http.bench.ts)
 *
 * Targets, all on 127.0.0.1:
 *   baseline  a bare node:http server answering {"status":"ok"} as application/json
 *   health    Vaporform's GET /api/health (public route: request id, route guard, zod serializer)
 *   me        Vaporform's GET /api/auth/me with `Authorization: Bearer <api token>` (authentication through
 *             the credential cache, then one database read of the user)
 *
 * Goals (ratios of req/s to the baseline; the machine is noisy, so only ratios are compared):
 *   health / baseline >= 0.9,  me / baseline >= 0.5
 *
 * Where the load comes from. autocannon runs in a separate child process (bench/lib/loadgen.mjs), not in this
 * one. In-process load would share one event loop, and one core, with the server under test: every request
 * would also pay for autocannon building and parsing it, a fixed cost that weighs far more on the cheap
 * baseline than on Vaporform, so the ratios would come out better than they are. A worker thread would get
 * its own event loop too, but a child process is the cleaner isolation (own heap, own GC, own scheduler
 * entry) at the same cost, and it is what a real client looks like. On a 2-core machine that gives one core to
 * the server and one to the load generator; the CPU columns show which side was the bottleneck. Both servers
 * live in this process, are measured one at a time, and use the same load generator, so the comparison is fair.
 *
 * Knobs (environment, clamped): BENCH_SECONDS (5), BENCH_WARMUP_SECONDS (1), BENCH_ROUNDS (2),
 * BENCH_CONNECTIONS (10).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../apps/server/src/platform/config/config.js';
import { createServer, type Server } from '../apps/server/src/server.js';
import {
  envNumber,
  guard,
  host,
  machine,
  mean,
  printTable,
  repoRoot,
  round,
  track,
  writeResult,
} from './lib/common.js';

const seconds = envNumber('BENCH_SECONDS', 5, 1, 60);
const warmupSeconds = envNumber('BENCH_WARMUP_SECONDS', 1, 0, 10);
const rounds = Math.round(envNumber('BENCH_ROUNDS', 2, 1, 10));
const connections = Math.round(envNumber('BENCH_CONNECTIONS', 10, 1, 256));
const goals = { health: 0.9, me: 0.5 } as const;
const autocannonVersion = (
  JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/autocannon/package.json'), 'utf8')) as {
    version: string;
  }
).version;

type TargetName = 'baseline' | 'health' | 'me';
const targetNames: readonly TargetName[] = ['baseline', 'health', 'me'];

interface Target {
  name: TargetName;
  url: string;
  headers: Record<string, string>;
  /** The body a correct answer carries, checked once before any load. */
  expect: (body: string) => boolean;
}

/** What bench/lib/loadgen.mjs answers for one run. */
interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  autocannonAverageRps: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyMs: {
    mean: number | null;
    p50: number | null;
    p90: number | null;
    p99: number | null;
    max: number | null;
  };
  wallMs: number;
  cpuPercent: number;
}

interface RunRecord extends LoadResult {
  round: number;
  serverCpuPercent: number;
}

type LoadReply = { id: number; ok: true; result: LoadResult } | { id: number; ok: false; error: string };

// ---------------------------------------------------------------------------------------------------------

class LoadGenerator {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (result: LoadResult) => void; reject: (error: Error) => void }
  >();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: LoadReply) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`load generator failed: ${message.error}`));
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values()) {
        waiter.reject(new Error(`load generator exited (code ${code}, signal ${signal})`));
      }
      this.pending.clear();
    });
  }

  static start(): LoadGenerator {
    // No inherited --import tsx: the load generator is plain JavaScript and should carry no loader.
    const child = track(
      fork(path.join(repoRoot, 'bench/lib/loadgen.mjs'), [], { execArgv: [], stdio: 'inherit' }),
    );
    return new LoadGenerator(child);
  }

  run(target: Target, runSeconds: number): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({
        id,
        job: { url: target.url, headers: target.headers, connections, seconds: runSeconds },
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'exit' });
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

function startBaseline(): Promise<http.Server> {
  const body = JSON.stringify({ status: 'ok' });
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  };
  const server = http.createServer((_request, response) => {
    response.writeHead(200, headers);
    response.end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

/** Signs a user up and creates an API token through the public API, as a client would. */
async function issueApiToken(base: string): Promise<string> {
  const signup = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password-1234', name: 'Bench' }),
  });
  await json(signup);
  const session = /(?:^|[;,]\s*)vf_session=([^;]+)/.exec(signup.headers.get('set-cookie') ?? '')?.[1];
  if (!session) throw new Error('signup set no vf_session cookie');
  const created = await json(
    await fetch(`${base}/api/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `vf_session=${session}` },
      body: JSON.stringify({ name: 'bench' }),
    }),
  );
  const token = (created as { token?: unknown }).token;
  if (typeof token !== 'string') throw new Error('POST /api/auth/tokens returned no token');
  return token;
}

async function check(target: Target): Promise<void> {
  const response = await fetch(target.url, { headers: target.headers });
  const body = await response.text();
  if (response.status !== 200 || !target.expect(body)) {
    throw new Error(`${target.name}: ${target.url} answered ${response.status} ${body}`);
  }
}

const fmt = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const budgetMs = (rounds * targetNames.length * (seconds + warmupSeconds) + 90) * 1000;
  guard('http.bench', budgetMs);

  console.log('http.bench: req/s of Vaporform against a bare node:http server, same run, 127.0.0.1 only');
  console.log(
    `  ${connections} connections, ${warmupSeconds} s warm-up + ${seconds} s measured per run, ` +
      `${rounds} interleaved rounds; load from a separate child process (autocannon ${autocannonVersion})`,
  );

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vaporform-bench-http-'));
  let baseline: http.Server | undefined;
  let vaporform: Server | undefined;
  let loadgen: LoadGenerator | undefined;
  try {
    baseline = await startBaseline();
    const config = loadConfig({ ...process.env, VAPORFORM_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    vaporform = await createServer(
      config,
      {
        migrationsDir: path.join(repoRoot, 'apps/server/migrations'),
        webDistDir: path.join(dataDir, 'no-web-dist'),
      },
      // Cheap hashing: only signup pays for it, and signup is not measured.
      { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } },
    );
    await vaporform.app.listen({ port: 0, host });
    const baselinePort = (baseline.address() as AddressInfo).port;
    const vaporformPort = (vaporform.app.server.address() as AddressInfo).port;
    const base = `http://${host}:${vaporformPort}`;
    const token = await issueApiToken(base);

    const targets: Record<TargetName, Target> = {
      baseline: {
        name: 'baseline',
        url: `http://${host}:${baselinePort}/api/health`,
        headers: {},
        expect: (body) => body === '{"status":"ok"}',
      },
      health: {
        name: 'health',
        url: `${base}/api/health`,
        headers: {},
        expect: (body) => body === '{"status":"ok"}',
      },
      me: {
        name: 'me',
        url: `${base}/api/auth/me`,
        headers: { authorization: `Bearer ${token}` },
        expect: (body) => body.includes('"bench@example.com"'),
      },
    };
    for (const name of targetNames) await check(targets[name]);

    loadgen = LoadGenerator.start();
    const runs: Record<TargetName, RunRecord[]> = { baseline: [], health: [], me: [] };
    for (let roundIndex = 1; roundIndex <= rounds; roundIndex++) {
      for (const name of targetNames) {
        const target = targets[name];
        if (warmupSeconds > 0) await loadgen.run(target, warmupSeconds);
        const cpuBefore = process.cpuUsage();
        const wallBefore = performance.now();
        const result = await loadgen.run(target, seconds);
        const cpu = process.cpuUsage(cpuBefore);
        const serverCpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore)) * 100;
        runs[name].push({ ...result, round: roundIndex, serverCpuPercent });
        console.log(
          `  round ${roundIndex} ${name.padEnd(8)} ${fmt(result.requestsPerSecond, 0).padStart(7)} req/s` +
            `  p50 ${fmt(result.latencyMs.p50, 3)} ms  p99 ${fmt(result.latencyMs.p99, 3)} ms` +
            `  cpu server ${fmt(serverCpuPercent, 0)}% loadgen ${fmt(result.cpuPercent, 0)}%` +
            (result.non2xx + result.errors + result.timeouts > 0
              ? `  !! non-2xx ${result.non2xx} errors ${result.errors} timeouts ${result.timeouts}`
              : ''),
        );
      }
    }

    // ------------------------------------------------------------------ summary
    const summary = Object.fromEntries(
      targetNames.map((name) => {
        const list = runs[name];
        return [
          name,
          {
            requestsPerSecond: mean(list.map((run) => run.requestsPerSecond)),
            p50Ms: mean(list.map((run) => run.latencyMs.p50 ?? Number.NaN)),
            p99Ms: mean(list.map((run) => run.latencyMs.p99 ?? Number.NaN)),
            serverCpuPercent: mean(list.map((run) => run.serverCpuPercent)),
            loadgenCpuPercent: mean(list.map((run) => run.cpuPercent)),
            failures: list.reduce((sum, run) => sum + run.non2xx + run.errors + run.timeouts, 0),
          },
        ];
      }),
    ) as Record<
      TargetName,
      {
        requestsPerSecond: number;
        p50Ms: number;
        p99Ms: number;
        serverCpuPercent: number;
        loadgenCpuPercent: number;
        failures: number;
      }
    >;
    const baselineRps = summary.baseline.requestsPerSecond;
    const ratios = {
      health: summary.health.requestsPerSecond / baselineRps,
      me: summary.me.requestsPerSecond / baselineRps,
    };
    // Per-round ratios show how much of the difference is noise.
    const roundRatios = runs.baseline.map((run, index) => ({
      round: index + 1,
      health: (runs.health[index]?.requestsPerSecond ?? Number.NaN) / run.requestsPerSecond,
      me: (runs.me[index]?.requestsPerSecond ?? Number.NaN) / run.requestsPerSecond,
    }));

    console.log('');
    printTable([
      [
        'target',
        'req/s (mean)',
        'ratio',
        'goal',
        'p50 ms',
        'p99 ms',
        'server cpu %',
        'loadgen cpu %',
        'failed',
      ],
      ...targetNames.map((name) => {
        const row = summary[name];
        const ratio = name === 'baseline' ? 1 : ratios[name];
        const goal =
          name === 'baseline' ? '' : `>= ${goals[name]} ${ratio >= goals[name] ? 'met' : 'MISSED'}`;
        return [
          name,
          Math.round(row.requestsPerSecond),
          fmt(ratio),
          goal,
          fmt(row.p50Ms, 3),
          fmt(row.p99Ms, 3),
          Math.round(row.serverCpuPercent),
          Math.round(row.loadgenCpuPercent),
          row.failures,
        ];
      }),
    ]);
    console.log('');
    console.log(
      `  per-round ratios: ${roundRatios.map((r) => `#${r.round} health ${fmt(r.health)} me ${fmt(r.me)}`).join(', ')}`,
    );
    console.log(
      '  goals: health/baseline >= 0.9, me/baseline >= 0.5 (ratios of mean req/s; informative, never a pass/fail test)',
    );
    console.log('  notes: latencies are client-side (load generator), mean of the per-round percentiles;');
    console.log(
      '         both servers run in this process, autocannon in a child process; cpu % is per process',
    );
    console.log(
      '         (100 = one core). A loadgen near 100% on the baseline means the baseline is understated',
    );
    console.log('         and the ratios are optimistic.');
    const failures = targetNames.reduce((sum, name) => sum + summary[name].failures, 0);
    if (failures > 0) console.log(`  !! ${failures} requests failed: the numbers above are not valid`);

    const file = writeResult('http', {
      benchmark: 'http',
      date: new Date().toISOString(),
      machine: machine(),
      settings: {
        seconds,
        warmupSeconds,
        rounds,
        connections,
        loadGenerator: `autocannon ${autocannonVersion} in a child process`,
      },
      goals,
      ratios: { health: round(ratios.health, 3), me: round(ratios.me, 3) },
      roundRatios: roundRatios.map((r) => ({
        round: r.round,
        health: round(r.health, 3),
        me: round(r.me, 3),
      })),
      summary: Object.fromEntries(
        targetNames.map((name) => [
          name,
          Object.fromEntries(Object.entries(summary[name]).map(([key, value]) => [key, round(value, 3)])),
        ]),
      ),
      runs,
    });
    console.log(`  wrote ${file}`);
    if (failures > 0) process.exitCode = 1;
  } finally {
    await loadgen?.stop();
    await vaporform?.close();
    await new Promise<void>((resolve) => {
      if (!baseline) return resolve();
      baseline.closeAllConnections();
      baseline.close(() => resolve());
    });
    await rm(dataDir, { recursive: true, force: true });
  }
}

main()
  .catch((error: unknown) => {
    console.error('http.bench failed:', error);
    process.exitCode = 1;
  })
  // Stop by ourselves even if some library left a handle open.
  .finally(() => process.exit());
