/**
 * Project containers: how fast a hardened container is ready, and how fast a template's app answers.
 *
 *   npm run bench -- containers     (needs Docker and `npm run images`)
 *
 * 1. Create → exec-ready: `DockerRuntime.create` + `start` + `exec true` (every hardening item, the project
 *    network kept from the round before), interleaved with the baseline `docker run --rm <same image> true`
 *    (the Docker CLI, default flags). Ratio of medians; goal ≤ 1.2×.
 * 2. Template → first HTTP 200 through the public API, for node-express and python-flask: the first start of a
 *    new project (which installs its dependencies) once, then N × (`POST …/container/stop`, `POST
 *    …/container/start`, poll the app's health path on its published port). Baseline: `docker run -d` of the
 *    same image running the same dev command on the same workspace (dependencies in place) with the same CPU
 *    and memory limits and no other flag, timed the same way. Goal: p50 ≤ 3 s.
 *
 * Knobs: BENCH_CONTAINER_RUNS (7), BENCH_TEMPLATE_RUNS (5).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ContainerInfo, TemplateManifest } from '@vaporform/contracts';
import { DockerRuntime } from '../apps/server/src/services/containers/dockerRuntime.js';
import { resourcesFor } from '../apps/server/src/services/containers/resourcePlan.js';
import { keeperCommand } from '../apps/server/src/services/containers/service.js';
import { stackImageTag } from '../apps/server/src/services/containers/stackImages.js';
import {
  envNumber,
  fmt,
  freePort,
  getStatus,
  guard,
  machine,
  median,
  printTable,
  repoRoot,
  round,
  sleep,
  tempDir,
  removeTempDir,
  writeResult,
} from './lib/common.js';
import { createProject, issueApiToken, json, startVaporform } from './lib/vaporform.js';

guard('containers', 9 * 60_000);
const containerRuns = Math.round(envNumber('BENCH_CONTAINER_RUNS', 7, 3, 30));
const templateRuns = Math.round(envNumber('BENCH_TEMPLATE_RUNS', 5, 1, 20));
const docker = (args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });

async function untilAnswers(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { hostname, port, pathname } = new URL(url);
    if (hostname && (await getStatus(Number(port), pathname, 1000).catch(() => 0)) === 200) return;
    await sleep(50);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

async function createToExecReady(): Promise<{ ours: number[]; bare: number[] }> {
  const runtime = new DockerRuntime();
  const image = stackImageTag('node');
  const projectId = randomUUID();
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'vaporform-bench-'));
  const ours: number[] = [];
  const bare: number[] = [];
  try {
    await runtime.ensureNetwork(projectId);
    for (let round = 0; round < containerRuns; round++) {
      let started = performance.now();
      const id = await runtime.create({
        projectId,
        image,
        workspaceDir: workspace,
        appPort: 3000,
        resources: resourcesFor('node'),
        command: keeperCommand,
      });
      await runtime.start(id);
      const result = await runtime.exec(id, ['true']);
      if (result.exitCode !== 0) throw new Error(`exec failed: ${result.stderr}`);
      ours.push(performance.now() - started);
      await runtime.remove(id);

      started = performance.now();
      const run = docker(['run', '--rm', image, 'true']);
      if (run.status !== 0) throw new Error(`docker run failed: ${run.stderr}`);
      bare.push(performance.now() - started);
    }
  } finally {
    await runtime.removeNetwork(projectId).catch(() => undefined);
    await runtime.dispose();
    rmSync(workspace, { recursive: true, force: true });
  }
  return { ours, bare };
}

interface TemplateResult {
  template: string;
  firstStartMs: number;
  restartMs: number[];
  bareMs: number[];
}

async function templateToFirst200(templateId: string, base: string, token: string, workspacesDir: string) {
  const headers = { authorization: `Bearer ${token}` };
  // The summary from GET /api/templates has no commands: read the manifest itself.
  const template = JSON.parse(
    readFileSync(path.join(repoRoot, 'templates', templateId, 'template.json'), 'utf8'),
  ) as TemplateManifest;
  const healthPath = '/health';
  const status = async (id: string) =>
    (await json(await fetch(`${base}/api/projects/${id}/container`, { headers }))) as ContainerInfo;
  const post = (id: string, action: string) =>
    fetch(`${base}/api/projects/${id}/container/${action}`, { method: 'POST', headers }).then(json);
  const answered = async (id: string) => {
    for (;;) {
      const info = await status(id);
      if (info.status === 'crashed') throw new Error(`${templateId} crashed: ${info.message ?? ''}`);
      if (info.address) {
        await untilAnswers(`http://${info.address.host}:${info.address.port}${healthPath}`);
        return;
      }
      await sleep(50);
    }
  };

  let started = performance.now();
  const id = await createProject(base, token, `bench ${templateId}`, templateId);
  await answered(id);
  const firstStartMs = performance.now() - started;

  const restartMs: number[] = [];
  const bareMs: number[] = [];
  const workspace = path.join(workspacesDir, id);
  for (let round = 0; round < templateRuns; round++) {
    await post(id, 'stop');
    started = performance.now();
    await post(id, 'start');
    await answered(id);
    restartMs.push(performance.now() - started);
    await post(id, 'stop');

    // The same image, dev command, (installed) workspace and CPU/memory limits, nothing else: what is left
    // of the ratio is our lifecycle, not the resource plan (a dev server at half a core starts slower).
    const { memoryBytes, cpus } = resourcesFor(template.stack);
    const port = await freePort();
    started = performance.now();
    const run = docker([
      'run',
      '-d',
      '--rm',
      '-u',
      '1000:1000',
      '-p',
      `127.0.0.1:${port}:${template.port}`,
      '--cpus',
      String(cpus),
      '--memory',
      String(memoryBytes),
      '-e',
      `PORT=${template.port}`,
      '-v',
      `${workspace}:/workspace`,
      '-w',
      '/workspace',
      stackImageTag(template.stack),
      'sh',
      '-c',
      template.dev,
    ]);
    if (run.status !== 0) throw new Error(`docker run failed: ${run.stderr}`);
    try {
      await untilAnswers(`http://127.0.0.1:${port}${healthPath}`);
      bareMs.push(performance.now() - started);
    } finally {
      docker(['rm', '-f', run.stdout.trim()]);
    }
  }
  await fetch(`${base}/api/projects/${id}`, { method: 'DELETE', headers });
  return { template: templateId, firstStartMs, restartMs, bareMs } satisfies TemplateResult;
}

async function main(): Promise<void> {
  console.log(`containers: create → exec-ready, ${containerRuns} rounds`);
  const ready = await createToExecReady();
  const readyRatio = median(ready.ours) / median(ready.bare);

  const dataDir = tempDir('vaporform-bench-containers-');
  process.env.VAPORFORM_AUTOSTART = 'true';
  process.env.VAPORFORM_RUNTIME = 'docker';
  const vaporform = await startVaporform(dataDir);
  const templates: TemplateResult[] = [];
  try {
    const token = await issueApiToken(vaporform.base);
    for (const templateId of ['node-express', 'python-flask']) {
      console.log(`containers: ${templateId} → first 200, ${templateRuns} rounds`);
      templates.push(await templateToFirst200(templateId, vaporform.base, token, vaporform.workspacesDir));
    }
  } finally {
    await vaporform.server.close();
    removeTempDir(dataDir);
  }

  printTable([
    ['measure', 'ours p50 ms', 'baseline p50 ms', 'ratio', 'goal'],
    ['create → exec-ready', round(median(ready.ours)), round(median(ready.bare)), fmt(readyRatio), '≤ 1.2×'],
    ...templates.map((result) => [
      `${result.template} start → 200`,
      round(median(result.restartMs)),
      round(median(result.bareMs)),
      fmt(median(result.restartMs) / median(result.bareMs)),
      'p50 ≤ 3000 ms',
    ]),
    ...templates.map((result) => [
      `${result.template} first start (install)`,
      round(result.firstStartMs),
      '',
      '',
      '',
    ]),
  ]);
  const file = writeResult('containers', {
    machine: machine(),
    createToExecReady: { ...ready, ratio: readyRatio },
    templates,
  });
  console.log(`containers: results in ${file} (repo ${path.basename(repoRoot)})`);
}

await main();
