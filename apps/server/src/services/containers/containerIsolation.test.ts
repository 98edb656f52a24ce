import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectResourceName, type ContainerEvent, type ContainerSpec } from './containerRuntime.js';
import { DockerRuntime } from './dockerRuntime.js';
import {
  describeWithDocker,
  dockerUnavailableReason,
  ensureTestImage,
  eventually,
  smallResources,
  socketPath,
  testImage,
  TestProjects,
  testRunLabel,
} from './testing/dockerTestSupport.js';

const unavailable = await dockerUnavailableReason();

/**
 * What a project's code can do from inside its container, probed with the tools it would use. Every probe
 * runs through `exec` as the container user, exactly as the agent's and the terminal's commands do.
 */
describeWithDocker(unavailable, 'Project containers under attack from inside', () => {
  const docker = new Docker({ socketPath });
  const runtime = new DockerRuntime({ docker, execTimeoutMs: 15_000 });
  const projects = new TestProjects(docker);
  const canaryName = `VAPORFORM_TEST_CANARY_${randomUUID().slice(0, 8).toUpperCase()}`;
  const canaryValue = `canary-${randomUUID()}`;
  /** A long-lived hardened container for the probes, and a neighbour project's container. */
  let probe: string;
  let neighbour: string;

  async function start(overrides: Partial<ContainerSpec> = {}): Promise<{ id: string; projectId: string }> {
    const projectId = projects.newProjectId();
    const id = await runtime.create({
      projectId,
      image: testImage,
      workspaceDir: await projects.workspace(),
      appPort: 8080,
      resources: smallResources,
      command: ['httpd', '-f', '-p', '8080', '-h', '/etc'],
      labels: projects.labels,
      ...overrides,
    });
    await runtime.start(id);
    return { id, projectId };
  }

  async function sh(id: string, script: string, timeoutMs = 10_000) {
    return runtime.exec(id, ['sh', '-c', script], { timeoutMs });
  }

  /** The neighbour still answers promptly: one project's trouble is not another's. */
  async function expectNeighbourAnswers(): Promise<void> {
    const started = performance.now();
    expect(await sh(neighbour, 'echo alive')).toMatchObject({ exitCode: 0, stdout: 'alive\n' });
    expect(performance.now() - started).toBeLessThan(5_000);
  }

  beforeAll(async () => {
    process.env[canaryName] = canaryValue;
    await ensureTestImage(docker);
    [probe, neighbour] = await Promise.all([start().then((c) => c.id), start().then((c) => c.id)]);
  }, 60_000);

  afterAll(async () => {
    delete process.env[canaryName];
    await runtime.dispose();
    await projects.cleanup();
  }, 60_000);

  it('cannot mount filesystems or create namespaces', async () => {
    const mount = await sh(probe, 'mount -t tmpfs none /mnt');
    expect(mount.exitCode).not.toBe(0);
    expect(mount.stderr).toMatch(/permission denied|not permitted/i);
    for (const flags of ['-r', '-m', '-U', '-n', '-p -f']) {
      const unshare = await sh(probe, `unshare ${flags} id -u`);
      expect(unshare.exitCode, `unshare ${flags}`).not.toBe(0);
      expect(unshare.stdout, `unshare ${flags}`).toBe('');
    }
    expect((await sh(probe, 'nsenter -t 1 -m -u -i -n -p true')).exitCode).not.toBe(0);
    expect((await sh(probe, 'chroot / true')).exitCode).not.toBe(0);
  });

  it('cannot write kernel settings or a cgroup release_agent', async () => {
    for (const file of [
      '/proc/sys/kernel/core_pattern',
      '/proc/sys/kernel/hostname',
      '/proc/sysrq-trigger',
    ]) {
      const write = await sh(probe, `echo x > ${file}`);
      expect(write.exitCode, file).not.toBe(0);
    }
    // The classic escape: mount a cgroup v1 hierarchy, point release_agent at a script, empty a cgroup.
    const mountCgroup = await sh(probe, 'mkdir -p /tmp/cg && mount -t cgroup -o rdma cgroup /tmp/cg');
    expect(mountCgroup.exitCode).not.toBe(0);
    const agents = await sh(
      probe,
      'for f in $(find /sys/fs/cgroup -maxdepth 2 -name release_agent -o -maxdepth 2 -name notify_on_release); do ' +
        'if echo /tmp/x > "$f" 2>/dev/null; then echo "WROTE $f"; fi; done; echo checked',
    );
    expect(agents.stdout).toBe('checked\n');
    expect((await sh(probe, 'echo 1 > /sys/fs/cgroup/pids/pids.max')).exitCode).not.toBe(0);
  });

  it('gains nothing from a setuid-root binary (the same probe succeeds without the hardening)', async () => {
    const su = await sh(probe, "ls -ln /suid/busybox; /suid/su -c 'id -u' root; echo exit=$?");
    expect(su.stdout).toMatch(/^-rwsr-xr-x\s+1 0\s+0 /); // the probe is a real setuid-root binary
    expect(su.stdout).toMatch(/exit=[1-9]/);
    expect(su.stdout).not.toMatch(/^0$/m);
    expect((await sh(probe, 'id -u; id -G')).stdout).toBe('1000\n1000\n');
    expect((await sh(probe, 'chown 0 /workspace')).exitCode).not.toBe(0);
    expect((await sh(probe, 'mknod /tmp/mem c 1 1')).exitCode).not.toBe(0);

    // Control: the same image and user with Docker's defaults (capabilities, no no-new-privileges) does
    // become root, so the probe above would have caught a missing hardening item.
    const control = await docker.createContainer({
      Image: testImage,
      User: '1000:1000',
      Cmd: ['/suid/su', '-c', 'id -u', 'root'],
      Labels: projects.labels,
      HostConfig: { NetworkMode: 'none' },
    });
    await control.start();
    await control.wait();
    const logs = (await control.logs({ stdout: true, stderr: true, follow: false })).toString('utf8');
    expect(logs).toMatch(/0\n$/);
    await control.remove({ force: true });
  });

  it('finds no Docker socket and none of the server’s environment', async () => {
    const search = await sh(
      probe,
      'find / -name "*.sock" 2>/dev/null; find / -name docker.sock 2>/dev/null; true',
      30_000,
    );
    expect(search.stdout).toBe('');
    const env = await runtime.exec(probe, ['env']);
    expect(env.stdout).not.toContain(canaryName);
    expect(env.stdout).not.toContain(canaryValue);
    // No value of the server's environment shows up inside under its own name.
    const inside = new Set(env.stdout.split('\n'));
    const leaked = Object.entries(process.env).filter(
      ([name, value]) =>
        value !== undefined && value.length >= 8 && name !== 'PATH' && inside.has(`${name}=${value}`),
    );
    expect(leaked.map(([name]) => name)).toEqual([]);
    expect((await sh(probe, 'cat /proc/1/environ | tr "\\0" "\\n"')).stdout).not.toContain(canaryValue);
  });

  it('writes only to /workspace, /tmp and the home directory', async () => {
    for (const target of ['/etc/passwd', '/bin/sh', '/newfile', '/root/x', '/mnt/x', '/var/x']) {
      const write = await sh(probe, `echo x > ${target}`);
      expect(write.exitCode, target).not.toBe(0);
    }
    expect((await sh(probe, 'mkdir /newdir')).exitCode).not.toBe(0);
    const allowed = await sh(
      probe,
      'echo a > /workspace/a && echo b > /tmp/b && echo c > ~/c && cat /workspace/a /tmp/b ~/c',
    );
    expect(allowed).toMatchObject({ exitCode: 0, stdout: 'a\nb\nc\n' });
  });

  it('stops a fork bomb at the pids limit; the container survives and the neighbour keeps answering', async () => {
    const pidsLimit = 64;
    const workspaceDir = await projects.workspace();
    const { id } = await start({
      command: ['sleep', '3600'],
      workspaceDir,
      resources: { ...smallResources, pidsLimit },
    });
    // Every bomb process forks twice, then holds its pid, polling for the stop file with builtins only
    // (`[ -e ]`, `read -t` on a FIFO): the bomb stays at the limit instead of dying out, and once the test
    // creates /workspace/stop from the host (no free pid needed inside) it ends within a second. It also
    // ends by itself after 30 s.
    const launched = await sh(
      id,
      'exec >/dev/null 2>&1; mkfifo /tmp/tick; (sleep 30; : > /tmp/stop) & ' +
        'b() { b & b & while [ ! -e /workspace/stop ] && [ ! -e /tmp/stop ]; do read -t 1 x <>/tmp/tick; done; exit 0; }; ' +
        'b &',
    );
    expect(launched.exitCode).toBe(0);
    try {
      const pids: number[] = [];
      await eventually(
        'the bomb to take most of the pids',
        async () => {
          pids.push((await runtime.stats(id)).pids);
          return pids;
        },
        () => Math.max(...pids) >= pidsLimit / 2,
        20_000,
        0,
      );
      for (let i = 0; i < 3; i++) {
        await expectNeighbourAnswers();
        pids.push((await runtime.stats(id)).pids);
      }
      expect(Math.max(...pids)).toBeLessThanOrEqual(pidsLimit);
    } finally {
      await writeFile(path.join(workspaceDir, 'stop'), '');
    }
    await eventually(
      'the bomb to die out',
      async () => (await runtime.stats(id)).pids,
      (n) => n <= 4, // docker-init, sleep 3600, and the fallback's subshell with its sleep
      20_000,
      250,
    );

    expect(await runtime.inspect(id)).toMatchObject({ running: true });
    // The kernel's own account: forks were refused at the limit, and the count never went past it.
    const events = await sh(
      id,
      'cd /sys/fs/cgroup/pids 2>/dev/null || cd /sys/fs/cgroup; cat pids.events; cat pids.peak 2>/dev/null || true',
    );
    expect(events.stdout).toMatch(/^max [1-9]\d*$/m);
    const peak = /^(\d+)$/m.exec(events.stdout)?.[1];
    if (peak !== undefined) expect(Number(peak)).toBe(pidsLimit);
    expect(await sh(id, 'echo survived')).toMatchObject({ exitCode: 0, stdout: 'survived\n' });
  }, 60_000);

  it('gets its CPU share in short periods, so a busy container stalls its shell for milliseconds, not 50', async () => {
    // cgroup v2 says "<quota> <period>", v1 has one file each; either way the period is 10 ms.
    const quota = await sh(
      probe,
      'cat /sys/fs/cgroup/cpu.max 2>/dev/null || echo "$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"',
    );
    const [allowed, period] = quota.stdout.trim().split(' ').map(Number);
    expect(period).toBe(10_000);
    expect(allowed).toBe(Math.round(smallResources.cpus * 10_000));
  });

  it('OOM-kills a memory bomb inside its own container only', async () => {
    const memoryBytes = 48 * 1024 * 1024;
    const projectId = projects.newProjectId();
    const seen: ContainerEvent[] = [];
    const subscription = await runtime.subscribe(projectId, (event) => seen.push(event));
    try {
      const { id } = await start({
        projectId,
        command: ['sleep', '3600'],
        resources: { ...smallResources, memoryBytes },
      });
      const bomb = await sh(id, 'x=$(head -c 400000000 /dev/zero | tr "\\0" a); echo survived ${#x}', 30_000);
      expect(bomb.exitCode).toBe(137); // SIGKILL from the kernel's OOM killer
      expect(bomb.stdout).not.toContain('survived');
      await eventually(
        'an oom event',
        async () => seen,
        (events) => events.some((event) => event.kind === 'oom'),
        5_000,
      );
      expect(seen.filter((event) => event.kind === 'oom').every((event) => event.containerId === id)).toBe(
        true,
      );

      // The limit held (no swap on top), the container lives on and so does its neighbour.
      const limit = await sh(
        id,
        'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max',
      );
      expect(limit.stdout.trim().split('\n').map(Number)[0]).toBe(memoryBytes);
      expect(await runtime.inspect(id)).toMatchObject({ running: true });
      expect(await sh(id, 'echo still-here')).toMatchObject({ stdout: 'still-here\n' });
      await expectNeighbourAnswers();
    } finally {
      await subscription.dispose();
    }
  }, 60_000);

  it('cannot reach another project’s container nor the host’s loopback services', async () => {
    const a = await start();
    const b = await start();
    const networkOf = async (id: string, projectId: string) => {
      const info = await docker.getContainer(id).inspect();
      const network = info.NetworkSettings.Networks[projectResourceName(projectId)];
      if (!network) throw new Error(`container ${id} is not on its project network`);
      return { ip: network.IPAddress, gateway: network.Gateway, networkId: network.NetworkID };
    };
    const netA = await networkOf(a.id, a.projectId);
    const netB = await networkOf(b.id, b.projectId);
    expect(netA.networkId).not.toBe(netB.networkId);

    // Controls: B serves (from the host, on its published loopback port), and A's tools can fetch over
    // its own network.
    const bAddress = await runtime.appAddress(b.id);
    await eventually(
      'B to serve',
      async () =>
        (await fetch(`http://127.0.0.1:${bAddress?.port}/passwd`, { signal: AbortSignal.timeout(2_000) }))
          .status,
      (status) => status === 200,
      5_000,
    );
    // (busybox 1.35's `wget -T` crashes; `timeout` bounds it instead.)
    const own = await sh(a.id, `timeout 5 wget -q -O - http://${netA.ip}:8080/passwd`);
    expect(own.stdout).toContain('vaporform');

    const toB = await sh(a.id, `timeout 5 wget -q -O - http://${netB.ip}:8080/passwd; echo exit=$?`);
    expect(toB.stdout).toMatch(/exit=[1-9]/);
    expect(toB.stdout).not.toContain('vaporform');
    const ncToB = await sh(a.id, `nc -w 3 ${netB.ip} 8080 </dev/null; echo exit=$?`);
    expect(ncToB.stdout).toMatch(/exit=[1-9]/);

    // A loopback-only listener of ours on the host, PostgreSQL and Redis (loopback-only here), and B's
    // published port, all tried through A's own bridge gateway (the only host address A has a route to).
    const connections: string[] = [];
    const listener = net.createServer((socket) => {
      connections.push(String(socket.remoteAddress));
      socket.end('hello\n');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = listener.address() as net.AddressInfo;
      for (const target of [port, 5432, 6379, bAddress?.port ?? 0]) {
        const attempt = await sh(a.id, `echo ping | nc -w 3 ${netA.gateway} ${target}; echo exit=$?`);
        expect(attempt.stdout, `gateway port ${target}`).toMatch(/^exit=[1-9]\d*\n$/);
      }
      expect(connections).toEqual([]);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
    await expectNeighbourAnswers();
  }, 60_000);

  it('labels every container it made so that clean-up finds them', async () => {
    const mine = await docker.listContainers({
      all: true,
      filters: { label: [`${testRunLabel}=${projects.runId}`] },
    });
    expect(mine.length).toBeGreaterThanOrEqual(2);
  });
});
