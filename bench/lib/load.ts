/**
 * Driving bench/lib/loadgen.mjs (autocannon in a child process) from a benchmark: interleaved rounds against
 * several targets, CPU accounting, summaries and the req/s table. Used by http.bench.ts and files.bench.ts.
 *
 * Why a child process: in-process load would share one event loop, and one core, with the server under test:
 * every request would also pay for autocannon building and parsing it, a fixed cost that weighs far more on a
 * cheap baseline than on Vaporform, so the ratios would come out better than they are. A child process has its
 * own heap, GC and scheduler entry, and is what a real client looks like. On a 2-core machine that gives one
 * core to the servers (in the benchmark's process) and one to the load generator; the CPU columns show which
 * side was the bottleneck.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envNumber, fmt, machineBusyMs, mean, printTable, repoRoot, round, track } from './common.js';

export const autocannonVersion = (
  JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/autocannon/package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** The shared knobs of the load benchmarks (environment, clamped so a typo cannot make a run unbounded). */
export interface LoadSettings {
  seconds: number;
  warmupSeconds: number;
  rounds: number;
  connections: number;
}

export function loadSettings(): LoadSettings {
  return {
    seconds: envNumber('BENCH_SECONDS', 5, 1, 60),
    warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 1, 0, 10),
    rounds: Math.round(envNumber('BENCH_ROUNDS', 2, 1, 10)),
    connections: Math.round(envNumber('BENCH_CONNECTIONS', 10, 1, 256)),
  };
}

/** Wall time of `runInterleaved` with these settings and this many targets, for a watchdog budget. */
export function loadBudgetMs(settings: LoadSettings, targets: number): number {
  return settings.rounds * targets * (settings.seconds + settings.warmupSeconds) * 1000;
}

export interface LoadTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** The body a correct answer carries, checked once before any load. */
  expect: (body: string) => boolean;
}

/** What bench/lib/loadgen.mjs answers for one run. */
export interface LoadResult {
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

export interface RunRecord extends LoadResult {
  round: number;
  /** CPU used by this process (where the servers run) during the run (100 = one core). */
  serverCpuPercent: number;
  /** CPU used by everything else on the machine during the run (100 = one core): the noise. */
  otherCpuPercent: number;
}

export interface RunSummary {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuPercent: number;
  otherCpuPercent: number;
  loadgenCpuPercent: number;
  failures: number;
}

type LoadReply = { id: number; ok: true; result: LoadResult } | { id: number; ok: false; error: string };

export class LoadGenerator {
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

  run(target: LoadTarget, seconds: number, connections: number): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, job: { url: target.url, headers: target.headers, connections, seconds } });
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

/** One GET before any load: the target answers 200 with the body it should. */
export async function checkTarget(target: LoadTarget): Promise<void> {
  const response = await fetch(target.url, { headers: target.headers });
  const body = await response.text();
  if (response.status !== 200 || !target.expect(body)) {
    throw new Error(`${target.name}: ${target.url} answered ${response.status} ${body.slice(0, 500)}`);
  }
}

const failuresOf = (run: LoadResult) => run.non2xx + run.errors + run.timeouts;

/**
 * Loads every target in turn, `settings.rounds` times (baseline, a, b, baseline, a, b, ...), each run after
 * its own warm-up, and prints one line per run. The servers must live in this process: their CPU is measured
 * as this process's.
 */
export async function runInterleaved<Name extends string>(
  loadgen: LoadGenerator,
  targets: Record<Name, LoadTarget>,
  names: readonly Name[],
  settings: LoadSettings,
): Promise<Record<Name, RunRecord[]>> {
  const runs = Object.fromEntries(names.map((name) => [name, [] as RunRecord[]])) as Record<
    Name,
    RunRecord[]
  >;
  const width = Math.max(...names.map((name) => name.length));
  for (let roundIndex = 1; roundIndex <= settings.rounds; roundIndex++) {
    for (const name of names) {
      const target = targets[name];
      if (settings.warmupSeconds > 0) await loadgen.run(target, settings.warmupSeconds, settings.connections);
      const machineBefore = machineBusyMs();
      const cpuBefore = process.cpuUsage();
      const wallBefore = performance.now();
      const result = await loadgen.run(target, settings.seconds, settings.connections);
      const cpu = process.cpuUsage(cpuBefore);
      const wallMs = performance.now() - wallBefore;
      const serverCpuPercent = ((cpu.user + cpu.system) / 1000 / wallMs) * 100;
      const machineCpuPercent = ((machineBusyMs() - machineBefore) / wallMs) * 100;
      const otherCpuPercent = Math.max(0, machineCpuPercent - serverCpuPercent - result.cpuPercent);
      runs[name].push({ ...result, round: roundIndex, serverCpuPercent, otherCpuPercent });
      console.log(
        `  round ${roundIndex} ${name.padEnd(width)} ${fmt(result.requestsPerSecond, 0).padStart(7)} req/s` +
          `  p50 ${fmt(result.latencyMs.p50, 3)} ms  p99 ${fmt(result.latencyMs.p99, 3)} ms` +
          `  cpu server ${fmt(serverCpuPercent, 0)}% loadgen ${fmt(result.cpuPercent, 0)}%` +
          ` other ${fmt(otherCpuPercent, 0)}%` +
          (failuresOf(result) > 0
            ? `  !! non-2xx ${result.non2xx} errors ${result.errors} timeouts ${result.timeouts}`
            : ''),
      );
    }
  }
  return runs;
}

/** Means over the rounds (latencies: the mean of the per-round percentiles). */
export function summarize(list: readonly RunRecord[]): RunSummary {
  return {
    requestsPerSecond: mean(list.map((run) => run.requestsPerSecond)),
    p50Ms: mean(list.map((run) => run.latencyMs.p50 ?? Number.NaN)),
    p99Ms: mean(list.map((run) => run.latencyMs.p99 ?? Number.NaN)),
    serverCpuPercent: mean(list.map((run) => run.serverCpuPercent)),
    otherCpuPercent: mean(list.map((run) => run.otherCpuPercent)),
    loadgenCpuPercent: mean(list.map((run) => run.cpuPercent)),
    failures: list.reduce((sum, run) => sum + failuresOf(run), 0),
  };
}

/** The summaries of several targets, each number rounded to 3 decimals, for a result file. */
export function roundSummaries<Name extends string>(
  summary: Record<Name, RunSummary>,
): Record<Name, Record<keyof RunSummary, number>> {
  return Object.fromEntries(
    Object.entries<RunSummary>(summary).map(([name, row]) => [
      name,
      Object.fromEntries(Object.entries<number>({ ...row }).map(([key, value]) => [key, round(value, 3)])),
    ]),
  ) as Record<Name, Record<keyof RunSummary, number>>;
}

/**
 * The req/s table: one row per target, the ratio of its mean req/s to the baseline's and whether the goal
 * (a minimum ratio) is met. The first name is the baseline.
 */
export function printLoadTable<Name extends string>(
  names: readonly Name[],
  summary: Record<Name, RunSummary>,
  goals: Partial<Record<Name, number>>,
): void {
  const baselineRps = summary[names[0] as Name].requestsPerSecond;
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
      'other cpu %',
      'failed',
    ],
    ...names.map((name, index) => {
      const row = summary[name];
      const ratio = index === 0 ? 1 : row.requestsPerSecond / baselineRps;
      const goal = goals[name];
      return [
        name,
        Math.round(row.requestsPerSecond),
        fmt(ratio),
        goal === undefined ? '' : `>= ${goal} ${ratio >= goal ? 'met' : 'MISSED'}`,
        fmt(row.p50Ms, 3),
        fmt(row.p99Ms, 3),
        Math.round(row.serverCpuPercent),
        Math.round(row.loadgenCpuPercent),
        Math.round(row.otherCpuPercent),
        row.failures,
      ];
    }),
  ]);
}

/** The notes under a req/s table, with warnings for a disturbed run or failed requests. Returns the failures. */
export function printLoadNotes<Name extends string>(
  names: readonly Name[],
  summary: Record<Name, RunSummary>,
): number {
  console.log('  notes: latencies are client-side (load generator), mean of the per-round percentiles;');
  console.log(
    '         the servers run in this process, autocannon in a child process; cpu % is per process',
  );
  console.log(
    '         (100 = one core). A loadgen near 100% on the baseline means the baseline is understated',
  );
  console.log(
    '         and the ratios are optimistic. "other" is what the rest of the machine used meanwhile.',
  );
  const busiest = Math.max(...names.map((name) => summary[name].otherCpuPercent));
  if (busiest > 25) {
    console.log(
      `  !! other processes used up to ${Math.round(busiest)}% CPU during the runs: expect noisy ratios ` +
        '(compare the per-round ratios; BENCH_ROUNDS=4 gives more rounds)',
    );
  }
  const failures = names.reduce((sum, name) => sum + summary[name].failures, 0);
  if (failures > 0) console.log(`  !! ${failures} requests failed: the numbers above are not valid`);
  return failures;
}
