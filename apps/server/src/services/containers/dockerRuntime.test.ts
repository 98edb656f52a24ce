import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppError } from '../../platform/errors/AppError.js';
import {
  caBundleVariables,
  containerPaths,
  execMarkerVariable,
  traefikLabels,
  type ContainerEvent,
  type ContainerSpec,
  type LogLine,
} from './containerRuntime.js';
import { DockerRuntime } from './dockerRuntime.js';
import {
  describeWithDocker,
  dockerUnavailableReason,
  ensureTestImage,
  eventually,
  median,
  readUntil,
  smallResources,
  socketPath,
  testImage,
  TestProjects,
  timeDockerRun,
} from './testing/dockerTestSupport.js';
import { hardeningViolations } from './testing/hardeningGate.js';

const unavailable = await dockerUnavailableReason();

describeWithDocker(unavailable, 'DockerRuntime on a real Docker daemon', () => {
  const docker = new Docker({ socketPath });
  const runtime = new DockerRuntime({ docker, execTimeoutMs: 15_000 });
  const projects = new TestProjects(docker);
  let imageEnv: string[] = [];

  beforeAll(async () => {
    await ensureTestImage(docker);
    imageEnv = (await docker.getImage(testImage).inspect()).Config.Env ?? [];
  }, 60_000);

  afterAll(async () => {
    await runtime.dispose();
    await projects.cleanup();
  }, 60_000);

  async function specFor(overrides: Partial<ContainerSpec> = {}): Promise<ContainerSpec> {
    return {
      projectId: projects.newProjectId(),
      image: testImage,
      workspaceDir: await projects.workspace(),
      appPort: 8080,
      resources: smallResources,
      command: ['sleep', '3600'],
      labels: projects.labels,
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

  it('creates containers that pass the hardening spec gate', async () => {
    const projectId = projects.newProjectId();
    const caFile = path.join(await projects.workspace(), 'ca.pem');
    await writeFile(caFile, '-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n', {
      mode: 0o644,
    });
    const spec = await specFor({
      projectId,
      env: { APP_MODE: 'test', PORT: '8080' },
      extraCaCertsFile: caFile,
      labels: {
        ...projects.labels,
        ...traefikLabels({ projectId, slug: 'gate', previewHost: 'preview.localhost:4000', appPort: 8080 }),
      },
    });
    const id = await runtime.create(spec);
    const info = await docker.getContainer(id).inspect();
    expect(hardeningViolations(info, spec, imageEnv)).toEqual([]);
    expect(info.Config.Labels).toMatchObject({
      'traefik.http.routers.vaporform-gate.rule': 'Host(`gate.preview.localhost`)',
    });

    // What the processes inside really get, not only what was asked for.
    await runtime.start(id);
    const status = await runtime.exec(id, ['cat', '/proc/self/status']);
    expect(status.stdout).toMatch(/^Uid:\s+1000\s+1000\s+1000\s+1000$/m);
    expect(status.stdout).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(status.stdout).toMatch(/^CapEff:\s+0+$/m);
    expect(status.stdout).toMatch(/^CapBnd:\s+0+$/m);
    expect(status.stdout).toMatch(/^Seccomp:\s+2$/m);

    const env = await runtime.exec(id, ['env']);
    const names = env.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('=')[0]);
    expect(names.sort()).toEqual(
      ['PATH', 'HOSTNAME', 'HOME', 'APP_MODE', 'PORT', execMarkerVariable, ...caBundleVariables].sort(),
    );
    const ca = await runtime.exec(id, ['sh', '-c', 'cat "$NODE_EXTRA_CA_CERTS"; echo x >> "$SSL_CERT_FILE"']);
    expect(ca.stdout).toContain('BEGIN CERTIFICATE');
    expect(ca.exitCode).not.toBe(0);

    const mounts = (await runtime.exec(id, ['cat', '/proc/mounts'])).stdout;
    expect(mounts).toMatch(/^overlay \/ overlay ro[,\s]/m);
    const tmpfs = (at: string) => mounts.split('\n').find((line) => line.split(' ')[1] === at) ?? '';
    for (const at of [containerPaths.tmp, containerPaths.home]) {
      expect(tmpfs(at)).toMatch(/^tmpfs /);
      expect(tmpfs(at)).toContain('nosuid');
      expect(tmpfs(at)).not.toContain('noexec');
    }
    // Tools installed into the home directory can run.
    const tool = await runtime.exec(id, [
      'sh',
      '-c',
      'printf "#!/bin/sh\\necho tool-ran\\n" > ~/tool && chmod +x ~/tool && ~/tool && touch /workspace/ok /tmp/ok',
    ]);
    expect(tool).toMatchObject({ exitCode: 0, stdout: 'tool-ran\n' });
    await runtime.remove(id);
  });

  it('the spec gate catches a container made with Docker’s defaults', async () => {
    const spec = await specFor();
    const plain = await docker.createContainer({
      Image: testImage,
      Cmd: ['sleep', '3600'],
      Env: ['LEAKED_TOKEN=x'],
      Labels: projects.labels,
      ExposedPorts: { '8080/tcp': {} },
      HostConfig: {
        PortBindings: { '8080/tcp': [{ HostPort: '' }] },
        Binds: [`${spec.workspaceDir}:/workspace`],
      },
    });
    const violations = hardeningViolations(await plain.inspect(), spec, imageEnv);
    for (const missing of [
      /^user is ""/,
      /^CapDrop/,
      /^no-new-privileges missing$/,
      /^root filesystem is writable$/,
      /^no tmpfs at \/tmp$/,
      /^no tmpfs at \/home\/vaporform$/,
      /^Memory is 0$/,
      /^CPU limit/,
      /^PidsLimit/,
      /^log size not limited$/,
      /^no init process$/,
      /^network mode is/,
      /^attached to networks/,
      /^port 8080\/tcp published on ""/,
      /^project label missing$/,
      /^unexpected environment variable LEAKED_TOKEN$/,
    ]) {
      expect(
        violations.some((violation) => missing.test(violation)),
        String(missing),
      ).toBe(true);
    }
    await plain.remove({ force: true });
  });

  it('keeps one container per project and maps Docker failures to the error model', async () => {
    const { id, spec } = await running();
    await expect(runtime.create(spec)).rejects.toMatchObject({ code: 'conflict' });
    expect(await runtime.findByProject(spec.projectId)).toMatchObject({
      id,
      running: true,
      state: 'running',
    });
    expect(await runtime.findByProject(randomUUID())).toBeNull();

    await expect(runtime.inspect('0123456789ab')).rejects.toMatchObject({ code: 'not_found' });
    await expect(runtime.inspect('../../images/json')).rejects.toMatchObject({ code: 'bad_request' });
    await expect(runtime.create(await specFor({ image: 'vaporform/missing:latest' }))).rejects.toMatchObject({
      code: 'not_found',
      message: 'Image vaporform/missing:latest not found',
    });
    await expect(
      runtime.create(await specFor({ appPort: 0, resources: { ...smallResources, cpus: 0 } })),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'appPort' }, { path: 'resources.cpus' }],
    });
    await expect(runtime.removeNetwork(spec.projectId)).rejects.toMatchObject({ code: 'conflict' });

    const offline = new DockerRuntime({ socketPath: '/nonexistent/docker.sock' });
    const failure = await offline.ping().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'unavailable', message: 'The container engine is not reachable' });
    await expect(offline.inspect(id)).rejects.toMatchObject({ code: 'unavailable' });
    // Docker's own words (ids, paths) stay in `cause`.
    const missing = (await runtime.inspect('0123456789ab').catch((error: unknown) => error)) as AppError;
    expect(missing.message).toBe('Container not found');
    expect(String(missing.cause)).toContain('0123456789ab');
  });

  it('offers gVisor only where it is installed', async () => {
    const info = (await docker.info()) as { Runtimes?: Record<string, unknown> };
    const spec = await specFor({ runtime: 'runsc' });
    if (info.Runtimes?.runsc === undefined) {
      await expect(runtime.create(spec)).rejects.toMatchObject({
        code: 'unavailable',
        message: 'The runsc runtime is not installed on this Docker host',
      });
    } else {
      const id = await runtime.create(spec);
      const created = await docker.getContainer(id).inspect();
      expect(hardeningViolations(created, spec, imageEnv)).toEqual([]);
      expect(created.HostConfig.Runtime).toBe('runsc');
    }
  });

  it('starts, stops, restarts and removes, idempotently where it says so', async () => {
    const spec = await specFor();
    const id = await runtime.create(spec);
    expect(await runtime.inspect(id)).toMatchObject({ state: 'created', running: false, exitCode: null });
    expect(await runtime.appAddress(id)).toBeNull();
    await runtime.start(id);
    await runtime.start(id);
    const started = await runtime.inspect(id);
    expect(started).toMatchObject({
      state: 'running',
      running: true,
      projectId: spec.projectId,
      image: testImage,
    });

    const stopping = performance.now();
    await runtime.stop(id, { timeoutSeconds: 10 });
    // docker-init forwards SIGTERM to `sleep`: no waiting for the SIGKILL.
    expect(performance.now() - stopping).toBeLessThan(5_000);
    await runtime.stop(id);
    expect(await runtime.inspect(id)).toMatchObject({ state: 'exited', running: false, exitCode: 143 });

    await runtime.restart(id, { timeoutSeconds: 1 });
    expect(await runtime.inspect(id)).toMatchObject({ running: true });
    await runtime.remove(id);
    await runtime.remove(id);
    await expect(runtime.inspect(id)).rejects.toMatchObject({ code: 'not_found' });
    await runtime.removeNetwork(spec.projectId);
    await runtime.removeNetwork(spec.projectId);
  });

  it('publishes the app port on 127.0.0.1 only, and the app answers there', async () => {
    const { id } = await running({ command: ['httpd', '-f', '-p', '8080', '-h', '/etc'] });
    const address = await runtime.appAddress(id);
    expect(address).toMatchObject({ host: '127.0.0.1', port: expect.any(Number) });
    const info = await docker.getContainer(id).inspect();
    const published = Object.values(info.NetworkSettings.Ports).flatMap((list) => list ?? []);
    expect(published.map((binding) => binding.HostIp)).toEqual(['127.0.0.1']);
    const body = await eventually(
      'the app to answer',
      async () =>
        (
          await fetch(`http://127.0.0.1:${address?.port}/passwd`, { signal: AbortSignal.timeout(2_000) })
        ).text(),
      (text) => text.includes('vaporform'),
      5_000,
    );
    expect(body).toContain('vaporform:x:1000:1000');
  });

  it('execs with exit code, stdin, stderr, working directory and environment', async () => {
    const { id } = await running();
    const result = await runtime.exec(id, ['sh', '-c', 'pwd; cat; echo "$GREETING" >&2; exit 7'], {
      input: 'from stdin\n',
      env: { GREETING: 'hello' },
    });
    expect(result).toEqual({
      exitCode: 7,
      stdout: '/workspace\nfrom stdin\n',
      stderr: 'hello\n',
      timedOut: false,
      truncated: false,
    });
    expect(await runtime.exec(id, ['pwd'], { workingDir: '/tmp' })).toMatchObject({ stdout: '/tmp\n' });
    await expect(runtime.exec(id, [])).rejects.toMatchObject({ code: 'validation_failed' });
    await runtime.stop(id, { timeoutSeconds: 1 });
    await expect(runtime.exec(id, ['true'])).rejects.toMatchObject({ code: 'conflict' });
  });

  it('kills a command at its timeout, with everything it started', async () => {
    const { id } = await running();
    const started = performance.now();
    const result = await runtime.exec(
      id,
      ['sh', '-c', 'echo before; sleep 300 & setsid sleep 301 & sleep 302; echo never'],
      { timeoutMs: 700 },
    );
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ exitCode: null, timedOut: true, stdout: 'before\n' });
    expect(elapsed).toBeGreaterThanOrEqual(690);
    expect(elapsed).toBeLessThan(5_000);
    const left = await runtime.exec(id, ['sh', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "']);
    expect(left.stdout).not.toMatch(/sleep 30[012]/);
    expect(left.stdout).toContain('sleep 3600');

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const aborted = await runtime.exec(id, ['sleep', '303'], {
      signal: controller.signal,
      timeoutMs: 10_000,
    });
    expect(aborted).toMatchObject({ exitCode: null, timedOut: false });
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

  it('runs an interactive shell on a TTY, resizes it and reports its exit', async () => {
    const { id } = await running();
    const tty = await runtime.openTty(id, ['sh'], { cols: 80, rows: 24 });
    tty.stream.write('stty size; echo "term=$TERM sum=$((6*7))"\n');
    expect(await readUntil(tty.stream, /sum=42/)).toMatch(/24 80[\s\S]*term=xterm-256color sum=42/);
    await tty.resize(100, 30);
    tty.stream.write('stty size\n');
    expect(await readUntil(tty.stream, /30 100/)).toContain('30 100');
    tty.stream.write('exit 3\n');
    expect(await tty.exited).toBe(3);

    const second = await runtime.openTty(id, ['sh', '-c', 'sleep 304'], { cols: 80, rows: 24 });
    await second.dispose();
    expect(await second.exited).toBeNull();
    const left = await runtime.exec(id, ['sh', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "']);
    expect(left.stdout).not.toContain('sleep 304');
  });

  it('reads the log tail and follows new lines', async () => {
    const { id } = await running({
      command: [
        'sh',
        '-c',
        'for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2; sleep 0.5; while true; do echo tick; sleep 0.2; done',
      ],
    });
    const all: LogLine[] = [];
    await eventually(
      'the first lines to be logged',
      async () => {
        all.length = 0;
        for await (const line of await runtime.logs(id)) all.push(line);
        return all;
      },
      (lines) => lines.some((line) => line.text === 'oops'),
    );
    expect(
      all
        .filter((line) => line.stream === 'stdout')
        .slice(0, 5)
        .map((line) => line.text),
    ).toEqual(['line1', 'line2', 'line3', 'line4', 'line5']);
    expect(all.find((line) => line.stream === 'stderr')).toMatchObject({ text: 'oops' });
    expect(Date.parse(all[0]?.time ?? '')).toBeGreaterThan(Date.now() - 60_000);

    const tail: LogLine[] = [];
    for await (const line of await runtime.logs(id, { tail: 2 })) tail.push(line);
    expect(tail).toHaveLength(2);

    const follow = await runtime.logs(id, { follow: true, tail: 0 });
    const followed: string[] = [];
    const timer = setTimeout(() => follow.dispose(), 5_000);
    for await (const line of follow) {
      followed.push(line.text);
      if (followed.length === 3) follow.dispose();
    }
    clearTimeout(timer);
    expect(followed).toEqual(['tick', 'tick', 'tick']);
  });

  it('runs background services whose output joins the container log, and kills them by marker', async () => {
    const { id } = await running();
    const printer = await runtime.startProcess(id, ['sh', '-c', 'echo out-line; echo err-line >&2; exit 3'], {
      announce: '▸ printer',
    });
    expect(await printer.exited).toBe(3);
    const lines: LogLine[] = [];
    for await (const line of await runtime.logs(id)) lines.push(line);
    // Two pipes: the order between stdout and stderr lines is not kept, within each it is.
    expect(lines.filter((line) => line.stream === 'stdout').map((line) => line.text)).toEqual([
      '▸ printer',
      'out-line',
    ]);
    expect(lines.filter((line) => line.stream === 'stderr').map((line) => line.text)).toEqual(['err-line']);

    const marker = `service-${randomUUID()}`;
    const server = await runtime.startProcess(id, ['sh', '-c', 'sleep 300 & sleep 301; wait'], { marker });
    const sleepers = () => runtime.exec(id, ['sh', '-c', 'ps -o args | grep -c "^sleep 30[01]"']);
    // startProcess returns once the exec started: its children fork a moment later.
    await eventually('both sleepers to run', sleepers, (result) => result.stdout.trim() === '2');
    // A later server process that only knows the marker ends the service and its children.
    await runtime.killProcesses(id, marker);
    expect(await server.exited).toBe(137);
    expect((await sleepers()).stdout.trim()).toBe('0');

    const stopped = await runtime.startProcess(id, ['sleep', '300']);
    await stopped.dispose();
    expect(await stopped.exited).toBeNull();
  });

  it('samples CPU, memory, network and pids', async () => {
    const { id, spec } = await running();
    const stats = await runtime.stats(id);
    expect(stats.memoryLimitBytes).toBe(spec.resources.memoryBytes);
    expect(stats.memoryBytes).toBeGreaterThan(0);
    expect(stats.memoryBytes).toBeLessThan(spec.resources.memoryBytes);
    expect(stats.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(stats.pids).toBeGreaterThanOrEqual(2); // docker-init and sleep
    for (const value of [stats.networkRxBytes, stats.networkTxBytes, stats.cpuPercent]) {
      expect(Number.isFinite(value)).toBe(true);
    }
    expect(Number.isNaN(Date.parse(stats.at))).toBe(false);
  });

  it('reports start and die events of the project’s containers only', async () => {
    const spec = await specFor({ command: ['sh', '-c', 'sleep 0.3; exit 3'] });
    const events: ContainerEvent[] = [];
    const subscription = await runtime.subscribe(spec.projectId, (event) => events.push(event));
    try {
      const other = await running(); // another project: must not show up
      const id = await runtime.create(spec);
      await runtime.start(id);
      await eventually(
        'a die event',
        async () => events,
        (seen) => seen.some((event) => event.kind === 'die'),
      );
      expect(events.map((event) => [event.kind, event.containerId])).toEqual([
        ['start', id],
        ['die', id],
      ]);
      expect(events[1]).toMatchObject({ projectId: spec.projectId, exitCode: 3 });
      expect(events.some((event) => event.containerId === other.id)).toBe(false);
    } finally {
      await subscription.dispose();
    }
  });

  it('measures create → exec-ready against a bare `docker run --rm … true`', async () => {
    const runs = 5;
    const bare: number[] = [];
    const ready: number[] = [];
    const readyWithNetwork: number[] = [];
    await timeDockerRun(testImage); // warm both paths once
    for (let i = 0; i < runs; i++) {
      bare.push(await timeDockerRun(testImage));

      const spec = await specFor();
      let started = performance.now();
      let id = await runtime.create(spec); // includes creating the project network
      await runtime.start(id);
      expect((await runtime.exec(id, ['true'])).exitCode).toBe(0);
      readyWithNetwork.push(performance.now() - started);
      await runtime.remove(id);

      started = performance.now();
      id = await runtime.create(spec); // the network exists, as it does for a returning project
      await runtime.start(id);
      expect((await runtime.exec(id, ['true'])).exitCode).toBe(0);
      ready.push(performance.now() - started);
      await runtime.remove(id);
    }
    const report = {
      bareDockerRunMs: Math.round(median(bare)),
      createToExecReadyMs: Math.round(median(ready)),
      createToExecReadyWithNewNetworkMs: Math.round(median(readyWithNetwork)),
      ratio: Math.round((median(ready) / median(bare)) * 100) / 100,
      ratioWithNewNetwork: Math.round((median(readyWithNetwork) / median(bare)) * 100) / 100,
    };
    console.log(`[containers] create → exec-ready (median of ${runs}): ${JSON.stringify(report)}`);
    expect(report.createToExecReadyMs).toBeGreaterThan(0);
  }, 60_000);
});
