// The load generator of the benchmarks, run as a separate child process and driven by bench/lib/load.ts (see
// the comment there for why).
// It receives one job at a time over IPC, runs autocannon against 127.0.0.1, and answers with a summary.
// Plain JavaScript on purpose: it needs no TypeScript loader, so the process stays as lean as possible.
import autocannon from 'autocannon';

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

function run(job) {
  return new Promise((resolve, reject) => {
    const url = new URL(job.url);
    if (url.hostname !== '127.0.0.1') {
      reject(new Error(`refusing to load ${url.host}: benchmarks only talk to 127.0.0.1`));
      return;
    }
    // autocannon's own latency histogram only holds whole milliseconds, and local requests take less than
    // one, so the response times (float ms, from process.hrtime) are collected here as well.
    const latencies = [];
    const startCpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    const instance = autocannon(
      {
        url: job.url,
        headers: job.headers,
        connections: job.connections,
        duration: job.seconds,
        pipelining: 1,
        timeout: 10,
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
        const cpu = process.cpuUsage(startCpu);
        latencies.sort((a, b) => a - b);
        const latencyMean = latencies.length
          ? latencies.reduce((sum, value) => sum + value, 0) / latencies.length
          : null;
        resolve({
          requests: result.requests.total,
          requestsPerSecond: result.requests.total / (wallMs / 1000),
          autocannonAverageRps: result.requests.average,
          ok2xx: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          latencyMs: {
            mean: latencyMean,
            p50: percentile(latencies, 50),
            p90: percentile(latencies, 90),
            p99: percentile(latencies, 99),
            max: latencies.length ? latencies[latencies.length - 1] : null,
          },
          wallMs,
          cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
        });
      },
    );
    instance.on('response', (_client, _statusCode, _bytes, responseTime) => latencies.push(responseTime));
  });
}

if (!process.send) {
  console.error('loadgen.mjs is started by bench/lib/load.ts over IPC; it does nothing on its own.');
  process.exit(1);
}

process.on('message', (message) => {
  if (message?.type === 'exit') {
    process.disconnect();
    return;
  }
  run(message.job).then(
    (result) => process.send({ id: message.id, ok: true, result }),
    (error) => process.send({ id: message.id, ok: false, error: String(error?.stack ?? error) }),
  );
});
// If the parent dies, the IPC channel closes: go with it instead of lingering.
process.on('disconnect', () => process.exit(0));
