/**
 * The preview gateway: requests per second and latency through `<slug>.preview.localhost` against the same
 * app reached directly on its published port, and through nginx configured as a reverse proxy to it, in the
 * same run (interleaved rounds, autocannon in a child process).
 *
 *   npm run bench -- preview     (needs Docker, `npm run images`; nginx from Debian for the nginx column)
 *
 * The app is a bare node:http server answering "ok" in the project's own hardened container (node image,
 * chosen with a devcontainer.json), so what is measured is the proxy, not a framework. Goals: gateway ≥ 0.8×
 * nginx req/s, ≤ 1 ms added at p50 over direct. Knobs: BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import type { ContainerInfo } from '@vaporform/contracts';
import { freePort, guard, machine, sleep, tempDir, removeTempDir, track, writeResult } from './lib/common.js';
import {
  checkTarget,
  LoadGenerator,
  loadBudgetMs,
  loadSettings,
  printLoadNotes,
  printLoadTable,
  runInterleaved,
  summarize,
  type LoadTarget,
  type RunSummary,
} from './lib/load.js';
import { issueApiToken, json, startVaporform } from './lib/vaporform.js';

const settings = loadSettings();
guard('preview', loadBudgetMs(settings, 3) + 5 * 60_000);

const app = `import http from 'node:http';
http.createServer((request, response) => response.end('ok')).listen(Number(process.env.PORT));
`;

let nginx: ChildProcess | undefined;

async function startNginx(dir: string, target: { host: string; port: number }): Promise<number | null> {
  if (spawnSync('sh', ['-c', 'command -v nginx']).status !== 0) {
    console.log('preview: nginx is not installed (apt-get install nginx-light): its column is left out');
    return null;
  }
  const port = await freePort();
  const config = path.join(dir, 'nginx.conf');
  writeFileSync(
    config,
    `worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log; daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  upstream app { server ${target.host}:${target.port}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`,
  );
  nginx = track(spawn('nginx', ['-c', config, '-p', dir], { stdio: 'ignore' }));
  await sleep(500);
  return port;
}

async function main(): Promise<void> {
  const dataDir = tempDir('vaporform-bench-preview-');
  process.env.VAPORFORM_RUNTIME = 'docker';
  const vaporform = await startVaporform(dataDir);
  const loadgen = LoadGenerator.start();
  try {
    const { base } = vaporform;
    const token = await issueApiToken(base);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = (await json(
      await fetch(`${base}/api/projects`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'bench preview', templateId: 'python-flask', visibility: 'public' }),
      }),
    )) as { id: string; slug: string };
    const put = (file: string, body: string) =>
      fetch(`${base}/api/projects/${created.id}/files/${file}`, {
        method: 'PUT',
        headers: { authorization: headers.authorization, 'content-type': 'application/octet-stream' },
        body,
      }).then(json);
    await put('server.mjs', app);
    await put(
      '.devcontainer/devcontainer.json',
      JSON.stringify({
        image: 'vaporform/runtime-node:latest',
        postCreateCommand: 'true',
        forwardPorts: [8000],
        customizations: { vaporform: { dev: 'node server.mjs', healthPath: '/' } },
      }),
    );
    let info: ContainerInfo | undefined;
    for (let attempt = 0; attempt < 240; attempt++) {
      info = (await json(
        await fetch(`${base}/api/projects/${created.id}/container/start?wait=true`, {
          method: 'POST',
          headers,
        }),
      )) as ContainerInfo;
      if (info.status === 'running' && info.environment === 'devcontainer' && info.address) break;
      await sleep(500);
    }
    if (!info?.address || info.environment !== 'devcontainer')
      throw new Error(`app not running: ${JSON.stringify(info)}`);
    const address = info.address;

    const targets: Record<string, LoadTarget> = {
      direct: {
        name: 'direct',
        url: `http://${address.host}:${address.port}/`,
        headers: {},
        expect: (b) => b === 'ok',
      },
      gateway: {
        name: 'gateway',
        url: `${base}/`,
        headers: { host: `${created.slug}.preview.localhost:4000` },
        expect: (body) => body === 'ok',
      },
    };
    const nginxPort = await startNginx(dataDir, address);
    if (nginxPort !== null) {
      targets.nginx = {
        name: 'nginx',
        url: `http://127.0.0.1:${nginxPort}/`,
        headers: {},
        expect: (b) => b === 'ok',
      };
    }
    const names = Object.keys(targets);
    // fetch() cannot set Host: the gateway is checked with node:http, the others by the shared check.
    for (const name of names) if (name !== 'gateway') await checkTarget(targets[name]!);
    const viaGateway = await new Promise<string>((resolve, reject) => {
      const check = httpRequest(targets.gateway!.url, { headers: targets.gateway!.headers }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(body));
      });
      check.on('error', reject);
      check.end();
    });
    if (viaGateway !== 'ok')
      throw new Error(`the gateway answered ${JSON.stringify(viaGateway.slice(0, 200))}`);
    console.log(
      `preview: ${settings.connections} connections, ${settings.seconds} s × ${settings.rounds} rounds`,
    );
    const runs = await runInterleaved(loadgen, targets, names, settings);
    const summary = Object.fromEntries(names.map((name) => [name, summarize(runs[name]!)])) as Record<
      string,
      RunSummary
    >;
    printLoadTable(names, summary, {});
    const gateway = summary.gateway!;
    const direct = summary.direct!;
    console.log(`  added latency at p50: ${(gateway.p50Ms - direct.p50Ms).toFixed(2)} ms (goal ≤ 1 ms)`);
    if (summary.nginx) {
      console.log(
        `  gateway / nginx req/s: ${(gateway.requestsPerSecond / summary.nginx.requestsPerSecond).toFixed(2)} (goal ≥ 0.8)`,
      );
    }
    printLoadNotes(names, summary);
    await fetch(`${base}/api/projects/${created.id}`, { method: 'DELETE', headers });
    console.log(`preview: results in ${writeResult('preview', { machine: machine(), summary })}`);
  } finally {
    nginx?.kill('SIGTERM');
    await loadgen.stop();
    await vaporform.server.close();
    removeTempDir(dataDir);
  }
}

await main();
