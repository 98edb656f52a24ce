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
 * Where the load comes from: autocannon in a separate child process (bench/lib/loadgen.mjs, driven through
 * bench/lib/load.ts, which says why). A worker thread would get its own event loop too, but a child process is
 * the cleaner isolation at the same cost. Both servers live in this process, are measured one at a time, and
 * use the same load generator, so the comparison is fair.
 *
 * Knobs (environment, clamped): BENCH_SECONDS (5), BENCH_WARMUP_SECONDS (1), BENCH_ROUNDS (2),
 * BENCH_CONNECTIONS (10).
 */
import http from 'node:http';
import {
  closeHttpServer,
  guard,
  host,
  listenLocal,
  machine,
  portOf,
  round,
  tempDir,
  removeTempDir,
  writeResult,
  fmt,
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
import { issueApiToken, startVaporform, type RunningVaporform } from './lib/vaporform.js';

const settings = loadSettings();
const { seconds, warmupSeconds, rounds, connections } = settings;
const goals = { health: 0.9, me: 0.5 } as const;

type TargetName = 'baseline' | 'health' | 'me';
const targetNames: readonly TargetName[] = ['baseline', 'health', 'me'];

async function startBaseline(): Promise<http.Server> {
  const body = JSON.stringify({ status: 'ok' });
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  };
  const server = http.createServer((_request, response) => {
    response.writeHead(200, headers);
    response.end(body);
  });
  await listenLocal(server);
  return server;
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  guard('http.bench', loadBudgetMs(settings, targetNames.length) + 90_000);

  console.log('http.bench: req/s of Vaporform against a bare node:http server, same run, 127.0.0.1 only');
  console.log(
    `  ${connections} connections, ${warmupSeconds} s warm-up + ${seconds} s measured per run, ` +
      `${rounds} interleaved rounds; load from a separate child process (autocannon ${autocannonVersion})`,
  );

  const dataDir = tempDir('vaporform-bench-http-');
  let baseline: http.Server | undefined;
  let vaporform: RunningVaporform | undefined;
  let loadgen: LoadGenerator | undefined;
  try {
    baseline = await startBaseline();
    vaporform = await startVaporform(dataDir);
    const { base } = vaporform;
    const token = await issueApiToken(base);

    const targets: Record<TargetName, LoadTarget> = {
      baseline: {
        name: 'baseline',
        url: `http://${host}:${portOf(baseline)}/api/health`,
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
    for (const name of targetNames) await checkTarget(targets[name]);

    loadgen = LoadGenerator.start();
    const runs = await runInterleaved(loadgen, targets, targetNames, settings);

    // ------------------------------------------------------------------ summary
    const summary = Object.fromEntries(targetNames.map((name) => [name, summarize(runs[name])])) as Record<
      TargetName,
      RunSummary
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
    printLoadTable(targetNames, summary, goals);
    console.log('');
    console.log(
      `  per-round ratios: ${roundRatios.map((r) => `#${r.round} health ${fmt(r.health)} me ${fmt(r.me)}`).join(', ')}`,
    );
    console.log(
      '  goals: health/baseline >= 0.9, me/baseline >= 0.5 (ratios of mean req/s; informative, never a pass/fail test)',
    );
    const failures = printLoadNotes(targetNames, summary);

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
      summary: roundSummaries(summary),
      runs,
    });
    console.log(`  wrote ${file}`);
    if (failures > 0) process.exitCode = 1;
  } finally {
    await loadgen?.stop();
    await vaporform?.server.close();
    await closeHttpServer(baseline);
    removeTempDir(dataDir);
  }
}

main()
  .catch((error: unknown) => {
    console.error('http.bench failed:', error);
    process.exitCode = 1;
  })
  // Stop by ourselves even if some library left a handle open.
  .finally(() => process.exit());
