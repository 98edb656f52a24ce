import { spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  caBundleVariables,
  execMarkerVariable,
  projectLabel,
  type ContainerEvent,
  type ContainerSpec,
  type LogLine,
} from './containerRuntime.js';
import { bubblewrapCommand, findExecutable } from './local/sandbox.js';
import { LocalRuntime } from './localRuntime.js';
import { eventually, smallResources } from './testing/dockerTestSupport.js';

const temporary: string[] = [];

async function temporaryDir(prefix: string): Promise<string> {
  const directory = await mkdtemp(path.join(os.tmpdir(), prefix));
  temporary.push(directory);
  return directory;
}

/** Pids of live `sleep <seconds>` processes (shells that mention one on their command line do not count). */
async function sleepers(...seconds: string[]): Promise<number[]> {
  const wanted = new Set(seconds.map((value) => `sleep\0${value}\0`));
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (wanted.has(await readFile(`/proc/${name}/cmdline`, 'utf8'))) found.push(Number(name));
    } catch {
      // exited while listing
    }
  }
  return found;
}

/** A sleep duration no other process on the machine has on its command line. */
function uniqueSeconds(base: number): string {
  return `${base}.${randomInt(100_000, 999_999)}`;
}

async function readAll(stream: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for await (const line of stream) lines.push(line);
  return lines;
}

/** Serves its `PORT` on 127.0.0.1, answering with that port. */
const httpServer = [
  process.execPath,
  '-e',
  "require('http').createServer((q, s) => s.end('port ' + process.env.PORT)).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'))",
];

describe('LocalRuntime', { timeout: 30_000 }, () => {
  const runtime = new LocalRuntime({ useBubblewrap: false, execTimeoutMs: 10_000, stopTimeoutSeconds: 2 });

  afterAll(async () => {
    await runtime.dispose();
    await Promise.all(temporary.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  async function specFor(overrides: Partial<ContainerSpec> = {}): Promise<ContainerSpec> {
    return {
      projectId: `local-${randomUUID()}`,
      image: 'vaporform/runtime-node:latest',
      workspaceDir: await temporaryDir('vaporform-local-workspace-'),
      appPort: 3000,
      resources: smallResources,
      labels: { 'dev.vaporform.test': 'local' },
      ...overrides,
    };
  }

  async function running(
    overrides: Partial<ContainerSpec> = {},
  ): Promise<{ id: string; spec: ContainerSpec }> {
    const spec = await specFor(overrides);
    const id = await runtime.create(spec);
    await runtime.start(id);
    return { id, spec };
  }

  it('creates, starts, inspects and finds one container per project', async () => {
    expect(runtime.sandboxed).toBe(false);
    await runtime.ping();
    expect(await runtime.imageId('anything:latest')).toBe('local');

    const spec = await specFor();
    const id = await runtime.create(spec);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await runtime.inspect(id)).toMatchObject({
      id,
      name: `vaporform-${spec.projectId}`,
      projectId: spec.projectId,
      image: spec.image,
      state: 'created',
      running: false,
      exitCode: null,
      startedAt: null,
      labels: { 'dev.vaporform.test': 'local', [projectLabel]: spec.projectId },
    });
    expect(await runtime.appAddress(id)).toBeNull();
    await expect(runtime.exec(id, ['true'])).rejects.toMatchObject({ code: 'conflict' });
    await expect(runtime.create(spec)).rejects.toMatchObject({ code: 'conflict' });

    await runtime.start(id);
    await runtime.start(id);
    const status = await runtime.inspect(id);
    expect(status).toMatchObject({ state: 'running', running: true });
    expect(Date.parse(status.startedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(await runtime.findByProject(spec.projectId)).toEqual(status);
    expect(await runtime.runningProjects()).toContain(spec.projectId);
    expect(await runtime.findByProject(`local-${randomUUID()}`)).toBeNull();

    await expect(runtime.inspect(randomUUID())).rejects.toMatchObject({
      code: 'not_found',
      message: 'Container not found',
    });
    await expect(runtime.inspect('../../etc')).rejects.toMatchObject({ code: 'bad_request' });
    await expect(
      runtime.create(await specFor({ workspaceDir: path.join(os.tmpdir(), `missing-${randomUUID()}`) })),
    ).rejects.toMatchObject({ code: 'not_found', message: 'Workspace directory not found' });
    await expect(runtime.create(await specFor({ runtime: 'runsc' }))).rejects.toMatchObject({
      code: 'unavailable',
    });
    await expect(runtime.create(await specFor({ appPort: 0 }))).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'appPort' }],
    });
  });

  it('runs commands with exit code, stdin and stderr, and only the environment it is given', async () => {
    process.env.VAPORFORM_TEST_SECRET = 'server-secret-value';
    try {
      const workspace = await temporaryDir('vaporform-local-workspace-');
      const caFile = path.join(workspace, 'ca.pem');
      await writeFile(caFile, '-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n');
      const { id } = await running({
        workspaceDir: workspace,
        env: { APP_MODE: 'test', PORT: '8080' },
        extraCaCertsFile: caFile,
      });
      const result = await runtime.exec(id, ['sh', '-c', 'pwd; cat; echo "$GREETING" >&2; exit 7'], {
        input: 'from stdin\n',
        env: { GREETING: 'hello' },
      });
      expect(result).toEqual({
        exitCode: 7,
        stdout: `${await realpath(workspace)}\nfrom stdin\n`,
        stderr: 'hello\n',
        timedOut: false,
        truncated: false,
      });

      const env = await runtime.exec(id, ['env'], { env: { EXTRA: '1' } });
      const variables = new Map(
        env.stdout
          .trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect([...variables.keys()].sort()).toEqual(
        [
          'PATH',
          'LANG',
          'HOME',
          'APP_MODE',
          'PORT',
          'EXTRA',
          execMarkerVariable,
          ...caBundleVariables,
        ].sort(),
      );
      expect(env.stdout).not.toContain('server-secret-value');
      expect(variables.get('PATH')).toBe(process.env.PATH);
      expect(variables.get('PORT')).toBe(String((await runtime.appAddress(id))?.port));
      expect(variables.get('NODE_EXTRA_CA_CERTS')).toBe(caFile);
      const home = variables.get('HOME') ?? '';
      expect(home).not.toBe(os.homedir());
      expect(existsSync(home)).toBe(true);

      const missing = await runtime.exec(id, [`missing-command-${randomUUID()}`]);
      expect(missing).toMatchObject({ exitCode: 127, stderr: expect.stringContaining('command not found') });
      await expect(runtime.exec(id, [])).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(runtime.exec(id, ['true'], { env: { 'BAD NAME': 'x' } })).rejects.toMatchObject({
        code: 'validation_failed',
      });
    } finally {
      delete process.env.VAPORFORM_TEST_SECRET;
    }
  });

  it('maps working directories below /workspace and refuses everything else', async () => {
    const { id, spec } = await running();
    const workspace = await realpath(spec.workspaceDir);
    await mkdir(path.join(workspace, 'sub', 'deeper'), { recursive: true });
    await symlink('/etc', path.join(workspace, 'escape'));
    for (const [workingDir, expected] of [
      ['/workspace', workspace],
      ['/workspace/sub', path.join(workspace, 'sub')],
      ['/workspace/sub/deeper/', path.join(workspace, 'sub', 'deeper')],
      ['/workspace/sub/../sub', path.join(workspace, 'sub')],
    ] as const) {
      expect((await runtime.exec(id, ['pwd'], { workingDir })).stdout).toBe(`${expected}\n`);
    }
    for (const workingDir of ['/etc', '/workspace/../etc', '/workspacex', 'workspace', '/workspace/escape']) {
      await expect(runtime.exec(id, ['pwd'], { workingDir }), workingDir).rejects.toMatchObject({
        code: 'validation_failed',
      });
    }
    await expect(runtime.exec(id, ['pwd'], { workingDir: '/workspace/missing' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('kills a command at its timeout with everything it started, even what left its group or wiped its environment', async () => {
    const { id } = await running();
    // Found by the process group, by the marker variable (after `setsid`), by the group (after `env -i`).
    const seconds = [uniqueSeconds(301), uniqueSeconds(302), uniqueSeconds(303), uniqueSeconds(304)] as const;
    const started = performance.now();
    const pending = runtime.exec(
      id,
      [
        'sh',
        '-c',
        `echo before; sleep ${seconds[0]} & setsid sleep ${seconds[1]} & env -i sleep ${seconds[2]} & sleep ${seconds[3]}; echo never`,
      ],
      { timeoutMs: 1_000 },
    );
    await eventually(
      'all four sleepers to run',
      () => sleepers(...seconds),
      (pids) => pids.length === 4,
      900,
      50,
    );
    const result = await pending;
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ exitCode: null, timedOut: true, stdout: 'before\n' });
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(5_000);
    expect(await sleepers(...seconds)).toEqual([]);

    const abortSeconds = uniqueSeconds(305);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const aborted = await runtime.exec(id, ['sleep', abortSeconds], {
      signal: controller.signal,
      timeoutMs: 10_000,
    });
    expect(aborted).toMatchObject({ exitCode: null, timedOut: false });
    expect(await sleepers(abortSeconds)).toEqual([]);
  });

  it('caps exec output, keeping the start and the end', async () => {
    const { id } = await running();
    const result = await runtime.exec(
      id,
      ['sh', '-c', 'echo START; head -c 3000000 /dev/zero | tr "\\0" a; echo; echo END; echo E >&2'],
      { maxOutputBytes: 64 * 1024 },
    );
    expect(result.exitCode).toBe(0);
    expect(result.truncated).toBe(true);
    expect(result.stdout.startsWith('START\naaaa')).toBe(true);
    expect(result.stdout.endsWith('aaaa\nEND\n')).toBe(true);
    expect(result.stdout).toMatch(/\[… \d+ bytes omitted …\]/);
    expect(result.stdout.length).toBeLessThan(64 * 1024 + 100);
    expect(result.stderr).toBe('E\n');
  });

  it('logs background services with their announce, and kills them by marker in their own container only', async () => {
    const { id } = await running();
    const printer = await runtime.startProcess(id, ['sh', '-c', 'echo out-line; echo err-line >&2; exit 3'], {
      announce: '▸ printer',
    });
    expect(await printer.exited).toBe(3);
    const lines = await readAll(await runtime.logs(id));
    expect(lines.filter((line) => line.stream === 'stdout').map((line) => line.text)).toEqual([
      '▸ printer',
      'out-line',
    ]);
    expect(lines.filter((line) => line.stream === 'stderr').map((line) => line.text)).toEqual(['err-line']);
    expect(Date.parse(lines[0]?.time ?? '')).toBeGreaterThan(Date.now() - 60_000);

    const marker = `service-${randomUUID()}`;
    const [first, second, other] = [uniqueSeconds(311), uniqueSeconds(312), uniqueSeconds(313)];
    const server = await runtime.startProcess(id, ['sh', '-c', `sleep ${first} & sleep ${second}; wait`], {
      marker,
    });
    // Another project's service that happens to use the same marker name.
    const neighbour = await running();
    const unrelated = await runtime.startProcess(neighbour.id, ['sleep', other], { marker });
    await eventually(
      'both sleepers to run',
      () => sleepers(first, second),
      (pids) => pids.length === 2,
    );
    await eventually(
      'the neighbour to run',
      () => sleepers(other),
      (pids) => pids.length === 1,
    );

    await runtime.killProcesses(id, marker);
    expect(await server.exited).toBe(137);
    expect(await sleepers(first, second)).toEqual([]);
    expect(await sleepers(other)).toHaveLength(1);

    await unrelated.dispose();
    expect(await unrelated.exited).toBeNull();
    expect(await sleepers(other)).toEqual([]);
    // Killing by marker in a removed container is a no-op, as it is with Docker.
    await runtime.remove(neighbour.id);
    await runtime.killProcesses(neighbour.id, marker);

    const missing = await runtime.startProcess(id, [`missing-command-${randomUUID()}`]);
    expect(await missing.exited).toBe(127);
    expect((await readAll(await runtime.logs(id, { tail: 1 })))[0]).toMatchObject({
      stream: 'stderr',
      text: expect.stringContaining('command not found'),
    });
  });

  it('reads the log tail, filters by time and follows new lines until disposed or stopped', async () => {
    const { id } = await running();
    const printer = await runtime.startProcess(id, ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done']);
    expect(await printer.exited).toBe(0);
    expect((await readAll(await runtime.logs(id, { tail: 2 }))).map((line) => line.text)).toEqual([
      'line4',
      'line5',
    ]);
    expect(await readAll(await runtime.logs(id, { since: new Date(Date.now() + 60_000) }))).toEqual([]);

    const ticker = await runtime.startProcess(id, ['sh', '-c', 'while :; do echo tick; sleep 0.1; done']);
    const follow = await runtime.logs(id, { follow: true, tail: 0 });
    const followed: string[] = [];
    const timer = setTimeout(() => follow.dispose(), 5_000);
    for await (const line of follow) {
      followed.push(line.text);
      if (followed.length === 3) follow.dispose();
    }
    clearTimeout(timer);
    expect(followed).toEqual(['tick', 'tick', 'tick']);

    // A follower ends by itself when the container stops.
    const untilStopped = readAll(await runtime.logs(id, { follow: true, tail: 0 }));
    await runtime.stop(id);
    expect((await untilStopped).every((line) => line.text === 'tick')).toBe(true);
    expect(await ticker.exited).toBe(143);
  });

  it('serves the app on its loopback port; stopping kills it, reports the exit and frees the address', async () => {
    const spec = await specFor();
    const events: ContainerEvent[] = [];
    const subscription = await runtime.subscribe(spec.projectId, (event) => events.push(event));
    const id = await runtime.create(spec);
    await runtime.start(id);
    const address = await runtime.appAddress(id);
    expect(address).toEqual({ host: '127.0.0.1', port: expect.any(Number) });
    expect(address?.port).not.toBe(spec.appPort);
    const app = await runtime.startProcess(id, httpServer, { announce: '▸ app' });
    const url = `http://127.0.0.1:${address?.port}/`;
    const body = await eventually(
      'the app to answer',
      async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).text(),
      (text) => text.length > 0,
    );
    expect(body).toBe(`port ${address?.port}`);

    await runtime.stop(id);
    expect(await app.exited).toBe(143);
    expect(await runtime.appAddress(id)).toBeNull();
    await expect(fetch(url, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    expect(await runtime.inspect(id)).toMatchObject({ state: 'exited', running: false, exitCode: 143 });
    expect(await runtime.runningProjects()).not.toContain(spec.projectId);
    await expect(runtime.exec(id, ['true'])).rejects.toMatchObject({ code: 'conflict' });
    await runtime.stop(id);

    await subscription.dispose();
    await runtime.start(id);
    expect(events.map((event) => [event.kind, event.containerId, event.exitCode])).toEqual([
      ['start', id, undefined],
      ['die', id, 143],
    ]);
    expect(events[1]?.projectId).toBe(spec.projectId);
  });

  it('stops with SIGKILL what ignores SIGTERM once the grace period is over', async () => {
    const { id } = await running();
    const stubborn = await runtime.startProcess(id, [
      'sh',
      '-c',
      'trap "" TERM; echo ready; while :; do sleep 0.1; done',
    ]);
    await eventually(
      'the trap to be set',
      async () => readAll(await runtime.logs(id)),
      (lines) => lines.some((line) => line.text === 'ready'),
    );
    const started = performance.now();
    await runtime.stop(id, { timeoutSeconds: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(await stubborn.exited).toBe(137);
    expect(await runtime.inspect(id)).toMatchObject({ exitCode: 137 });
  });

  it('restarts with none of the old processes left', async () => {
    const { id } = await running();
    const seconds = uniqueSeconds(321);
    const sleeper = await runtime.startProcess(id, ['sleep', seconds]);
    await eventually(
      'the sleeper to run',
      () => sleepers(seconds),
      (pids) => pids.length === 1,
    );
    await runtime.restart(id, { timeoutSeconds: 1 });
    expect(await sleeper.exited).toBe(143);
    expect(await sleepers(seconds)).toEqual([]);
    expect(await runtime.inspect(id)).toMatchObject({ running: true });
    expect((await runtime.exec(id, ['true'])).exitCode).toBe(0);
  });

  it('samples memory, CPU and processes of what runs in the container', async () => {
    const { id, spec } = await running();
    const idle = await runtime.stats(id);
    expect(idle).toMatchObject({ memoryBytes: 0, pids: 0, cpuPercent: 0 });
    await runtime.startProcess(id, ['sh', '-c', 'while :; do :; done']);
    const first = await eventually(
      'the busy loop to show up',
      () => runtime.stats(id),
      (stats) => stats.pids > 0,
    );
    expect(first.memoryBytes).toBeGreaterThan(0);
    expect(first.memoryBytes).toBeLessThan(512 * 1024 * 1024);
    expect(first.memoryLimitBytes).toBe(spec.resources.memoryBytes);
    expect(first).toMatchObject({ networkRxBytes: 0, networkTxBytes: 0 });
    expect(Number.isNaN(Date.parse(first.at))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = await runtime.stats(id);
    // A busy loop keeps one core busy; leave room for a loaded test machine.
    expect(second.cpuPercent).toBeGreaterThan(10);
    expect(second.cpuPercent).toBeLessThan(150);
    await runtime.stop(id, { timeoutSeconds: 1 });
  });

  it('removes a container with its processes and home, idempotently', async () => {
    const { id, spec } = await running();
    const home = (await runtime.exec(id, ['sh', '-c', 'echo "$HOME"'])).stdout.trim();
    expect(existsSync(home)).toBe(true);
    const seconds = uniqueSeconds(331);
    const sleeper = await runtime.startProcess(id, ['sleep', seconds]);
    await eventually(
      'the sleeper to run',
      () => sleepers(seconds),
      (pids) => pids.length === 1,
    );
    await runtime.remove(id);
    expect(await sleeper.exited).toBe(137);
    expect(await sleepers(seconds)).toEqual([]);
    expect(existsSync(home)).toBe(false);
    expect(await runtime.findByProject(spec.projectId)).toBeNull();
    await expect(runtime.inspect(id)).rejects.toMatchObject({ code: 'not_found' });
    await runtime.remove(id);
    // The project may have a container again.
    const again = await runtime.create(spec);
    expect(again).not.toBe(id);
    await runtime.remove(again);
  });

  it('ends the processes an earlier server process left behind when the project gets a container again', async () => {
    const spec = await specFor();
    const [orphanSeconds, neighbourSeconds] = [uniqueSeconds(351), uniqueSeconds(352)];
    // What a crashed server leaves: a service running detached, carrying the project's marker.
    const leftover = (projectId: string, seconds: string) =>
      spawn('sleep', [seconds], {
        detached: true,
        stdio: 'ignore',
        env: { PATH: process.env.PATH, [execMarkerVariable]: `${projectId}/${randomUUID()}/dev-server` },
      });
    const orphan = leftover(spec.projectId, orphanSeconds);
    const orphanExit = new Promise((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));
    const neighbour = leftover(`local-${randomUUID()}`, neighbourSeconds);
    try {
      await eventually(
        'both leftovers to run',
        () => sleepers(orphanSeconds, neighbourSeconds),
        (pids) => pids.length === 2,
      );
      const id = await runtime.create(spec);
      expect(await orphanExit).toBe('SIGKILL');
      expect(await sleepers(neighbourSeconds)).toHaveLength(1);
      await runtime.remove(id);
    } finally {
      neighbour.kill('SIGKILL');
      orphan.kill('SIGKILL');
    }
  });

  it('kills every process when the runtime is disposed and refuses work afterwards', async () => {
    const own = new LocalRuntime({ useBubblewrap: false });
    const spec = await specFor();
    const id = await own.create(spec);
    await own.start(id);
    const seconds = uniqueSeconds(341);
    const service = await own.startProcess(id, ['sleep', seconds]);
    const follow = own.logs(id, { follow: true });
    await eventually(
      'the sleeper to run',
      () => sleepers(seconds),
      (pids) => pids.length === 1,
    );
    await own.dispose();
    expect(await service.exited).toBeNull();
    expect(await readAll(await follow)).toEqual([]);
    expect(await sleepers(seconds)).toEqual([]);
    await expect(own.create(await specFor())).rejects.toMatchObject({ code: 'unavailable' });
    await expect(own.exec(id, ['true'])).rejects.toMatchObject({ code: 'unavailable' });
  });
});

describe('local sandbox', () => {
  it('finds executables on a PATH, skipping relative entries', () => {
    expect(findExecutable('sh', `relative:${process.env.PATH ?? ''}`)).toMatch(/^\/.*\/sh$/);
    expect(findExecutable(`missing-${randomUUID()}`, process.env.PATH ?? '')).toBeNull();
    expect(findExecutable('sh', '.:bin')).toBeNull();
  });

  it('wraps a command in bubblewrap with the workspace and home writable and the rest read-only', () => {
    const argv = bubblewrapCommand('/usr/bin/bwrap', { workspace: '/w', home: '/h', cwd: '/w/sub' }, [
      'npm',
      'run',
      'dev',
    ]);
    expect(argv.join(' ')).toBe(
      '/usr/bin/bwrap --die-with-parent --unshare-all --share-net --ro-bind / / --dev /dev --proc /proc ' +
        '--tmpfs /tmp --bind /w /w --bind /h /h --chdir /w/sub -- npm run dev',
    );
  });
});
