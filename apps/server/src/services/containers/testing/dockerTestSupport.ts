import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
export {
  describeWithDocker,
  dockerUnavailableReason,
  socketPath,
} from '../../../testing/dockerAvailability.js';
import { projectLabel, projectResourceName, type ContainerResources } from '../containerRuntime.js';

export const testImage = 'vaporform/test-busybox:latest';
/** Every container a test run creates carries this label, so clean-up finds them all, controls included. */
export const testRunLabel = 'dev.vaporform.test-run';

export const smallResources: ContainerResources = {
  memoryBytes: 64 * 1024 * 1024,
  cpus: 0.5,
  pidsLimit: 64,
};

async function isStaticElf(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(64);
    await handle.read(header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2) return false; // ELF64 only
    const phoff = Number(header.readBigUInt64LE(0x20));
    const phentsize = header.readUInt16LE(0x36);
    const phnum = header.readUInt16LE(0x38);
    const table = Buffer.alloc(phentsize * phnum);
    await handle.read(table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === 3) return false; // PT_INTERP
    return true;
  } finally {
    await handle.close();
  }
}

async function findStaticBusybox(): Promise<string> {
  const candidates = [process.env.VAPORFORM_TEST_BUSYBOX, '/bin/busybox', '/usr/bin/busybox'];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      if (await isStaticElf(candidate)) return candidate;
    } catch {
      // missing or unreadable: try the next one
    }
  }
  throw new Error(
    'The container tests need a statically linked busybox to build their image: apt-get install -y busybox-static ' +
      '(or set VAPORFORM_TEST_BUSYBOX to one).',
  );
}

function run(
  command: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * `vaporform/test-busybox:latest`: a static busybox with its applets, a `vaporform` user (1000), a
 * setuid-root copy of busybox at /suid (for the setuid probe) and root with an empty password (so that
 * `su` would succeed wherever setuid worked). Built with `docker import` when missing; ~1 s.
 */
export async function ensureTestImage(docker: Docker): Promise<void> {
  try {
    await docker.getImage(testImage).inspect();
    return;
  } catch {
    // build it
  }
  const busybox = await findStaticBusybox();
  const root = await mkdtemp(path.join(os.tmpdir(), 'vaporform-test-image-'));
  try {
    for (const dir of [
      'bin',
      'etc',
      'tmp',
      'home/vaporform',
      'workspace',
      'mnt',
      'proc',
      'sys',
      'dev',
      'root',
      'suid',
    ]) {
      await mkdir(path.join(root, dir), { recursive: true });
    }
    await chmod(path.join(root, 'tmp'), 0o1777);
    const binary = await readFile(busybox);
    await writeFile(path.join(root, 'bin/busybox'), binary, { mode: 0o755 });
    await writeFile(path.join(root, 'suid/busybox'), binary);
    await chmod(path.join(root, 'suid/busybox'), 0o4755);
    await symlink('busybox', path.join(root, 'suid/su'));
    const applets = (await run(busybox, ['--list'])).stdout
      .split('\n')
      .filter((name) => /^[a-z0-9_.[-]+$/.test(name));
    for (const applet of applets) {
      if (applet !== 'busybox') await symlink('busybox', path.join(root, 'bin', applet));
    }
    await writeFile(
      path.join(root, 'etc/passwd'),
      'root::0:0:root:/root:/bin/sh\nvaporform:x:1000:1000:vaporform:/home/vaporform:/bin/sh\n',
    );
    await writeFile(path.join(root, 'etc/group'), 'root:x:0:\nvaporform:x:1000:\n');
    const tar = spawn('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-c', '.'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [repo, tag] = testImage.split(':') as [string, string];
    const progress = await docker.importImage(tar.stdout, { repo, tag, changes: ['ENV PATH=/bin'] });
    await new Promise<void>((resolve, reject) =>
      (
        docker.modem as { followProgress(s: NodeJS.ReadableStream, done: (error: unknown) => void): void }
      ).followProgress(progress, (error) =>
        error ? reject(new Error('docker import failed', { cause: error })) : resolve(),
      ),
    );
    await docker.getImage(testImage).inspect();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Project ids, workspaces and clean-up for one suite: `cleanup()` (in afterAll) removes every container
 * labelled with this run and every project network, then reports anything it could not remove.
 */
export class TestProjects {
  readonly runId = randomUUID();
  readonly #projects = new Set<string>();
  #root: string | null = null;

  constructor(private readonly docker: Docker) {}

  get labels(): Record<string, string> {
    return { [testRunLabel]: this.runId };
  }

  newProjectId(): string {
    const id = randomUUID();
    this.#projects.add(id);
    return id;
  }

  async workspace(): Promise<string> {
    this.#root ??= await mkdtemp(path.join(os.tmpdir(), 'vaporform-containers-'));
    const dir = path.join(this.#root, randomUUID());
    await mkdir(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    const problems: string[] = [];
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${testRunLabel}=${this.runId}`] },
    });
    const byProject = await Promise.all(
      [...this.#projects].map((id) =>
        this.docker.listContainers({ all: true, filters: { label: [`${projectLabel}=${id}`] } }),
      ),
    );
    const ids = new Set([...containers, ...byProject.flat()].map((container) => container.Id));
    await Promise.all(
      [...ids].map((id) =>
        this.docker
          .getContainer(id)
          .remove({ force: true, v: true })
          .catch((error: unknown) => problems.push(`container ${id}: ${String(error)}`)),
      ),
    );
    const names = new Set([...this.#projects].map(projectResourceName));
    for (const network of await this.docker.listNetworks()) {
      if (!names.has(network.Name)) continue;
      await this.docker
        .getNetwork(network.Id)
        .remove()
        .catch((error: unknown) => problems.push(`network ${network.Name}: ${String(error)}`));
    }
    if (this.#root) await rm(this.#root, { recursive: true, force: true });
    const left = await this.docker.listContainers({
      all: true,
      filters: { label: [`${testRunLabel}=${this.runId}`] },
    });
    const leftNetworks = (await this.docker.listNetworks()).filter((network) => names.has(network.Name));
    if (left.length > 0 || leftNetworks.length > 0) {
      problems.push(`left behind: ${left.length} containers, ${leftNetworks.length} networks`);
    }
    if (problems.length > 0) throw new Error(`Docker clean-up failed:\n${problems.join('\n')}`);
  }
}

/** Waits for `predicate` to hold, polling; fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  predicate: (value: T) => boolean,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      // A probe that hangs (a connect through a proxy to a container still starting) must not hang the test.
      let timer: NodeJS.Timeout | undefined;
      last = await Promise.race([
        probe(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('probe timed out')), Math.max(1, deadline - Date.now()));
        }),
      ]).finally(() => clearTimeout(timer));
      if (predicate(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(last)}`, { cause: lastError });
}

/** Reads a stream until `pattern` shows up in what was read, or fails after `timeoutMs`. */
export function readUntil(
  stream: Readable | NodeJS.ReadableStream,
  pattern: RegExp,
  timeoutMs = 5_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (pattern.test(seen)) {
        finish();
        resolve(seen);
      }
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out waiting for ${String(pattern)}; got ${JSON.stringify(seen)}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      stream.removeListener('data', onData);
    };
    stream.on('data', onData);
  });
}

/** The Debian docker client when present (the other one on this machine's PATH crashed once). */
export const dockerCli =
  process.env.DOCKER_CLI ?? (existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');

export async function timeDockerRun(image: string): Promise<number> {
  const started = performance.now();
  const result = await run(dockerCli, ['run', '--rm', image, 'true']);
  if (result.code !== 0) throw new Error(`docker run failed: ${result.stderr}`);
  return performance.now() - started;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
