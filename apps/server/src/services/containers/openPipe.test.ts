import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRuntime, PipeSession } from './containerRuntime.js';
import { DockerRuntime } from './dockerRuntime.js';
import { LocalRuntime } from './localRuntime.js';
import {
  describeWithDocker,
  dockerUnavailableReason,
  ensureTestImage,
  eventually,
  readUntil,
  smallResources,
  socketPath,
  testImage,
  TestProjects,
} from './testing/dockerTestSupport.js';

function collect(stream: Readable): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return () => text;
}

/** The same behaviour on every runtime: what a stdio MCP server needs from `openPipe`. */
function pipeBehaviour(open: (command: string[], env?: Record<string, string>) => Promise<PipeSession>) {
  it('echoes stdin to stdout line by line, keeps stderr apart, and ends on EOF with the exit code', async () => {
    const session = await open(
      ['sh', '-c', 'echo "started $GREETING" >&2; while read -r line; do echo "got $line"; done; exit 3'],
      { GREETING: 'hello' },
    );
    const stderr = collect(session.stderr);
    const stdout = collect(session.stdout);
    session.stdin.write('one\n');
    await eventually(
      'the first answer',
      async () => stdout(),
      (text) => text === 'got one\n',
    );
    session.stdin.write('two\n');
    await eventually(
      'the second answer',
      async () => stdout(),
      (text) => text.includes('got two\n'),
    );
    session.stdin.end();
    expect(await session.exited).toBe(3);
    expect(stdout()).toBe('got one\ngot two\n');
    expect(stderr()).toBe('started hello\n');
  });

  it('kills the command and what it started on dispose', async () => {
    const session = await open(['sh', '-c', 'sleep 300 & echo ready; wait']);
    await readUntil(session.stdout, /ready/);
    await session.dispose();
    expect(await session.exited).toBeNull();
  });

  it('reports a command that does not exist', async () => {
    const session = await open(['no-such-command-here']);
    const output = [collect(session.stdout), collect(session.stderr)];
    const code = await session.exited;
    expect(code).not.toBe(0);
    expect(output.map((read) => read()).join('')).toMatch(/no-such-command-here/);
  });
}

describe('LocalRuntime.openPipe', { timeout: 30_000 }, () => {
  const runtime = new LocalRuntime({ useBubblewrap: false });
  let root = '';
  let containerId = '';

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'vaporform-pipe-'));
    containerId = await runtime.create({
      projectId: crypto.randomUUID(),
      image: 'local',
      workspaceDir: root,
      appPort: 3000,
      resources: smallResources,
    });
    await runtime.start(containerId);
  });

  afterAll(async () => {
    await runtime.dispose();
    await rm(root, { recursive: true, force: true });
  });

  pipeBehaviour((command, env) => runtime.openPipe(containerId, command, env ? { env } : {}));
});

const unavailable = await dockerUnavailableReason();

describeWithDocker(unavailable, 'DockerRuntime.openPipe', () => {
  const docker = new Docker({ socketPath });
  const runtime: ContainerRuntime = new DockerRuntime({ docker });
  const projects = new TestProjects(docker);
  let containerId = '';

  beforeAll(async () => {
    await ensureTestImage(docker);
    containerId = await runtime.create({
      projectId: projects.newProjectId(),
      image: testImage,
      workspaceDir: await projects.workspace(),
      appPort: 8080,
      resources: smallResources,
      command: ['sleep', '3600'],
      labels: projects.labels,
    });
    await runtime.start(containerId);
  }, 60_000);

  afterAll(async () => {
    await runtime.dispose();
    await projects.cleanup();
  }, 60_000);

  pipeBehaviour((command, env) => runtime.openPipe(containerId, command, env ? { env } : {}));

  it('ends the session when the container stops', async () => {
    const session = await runtime.openPipe(containerId, ['sh', '-c', 'while read -r line; do :; done']);
    await runtime.stop(containerId, { timeoutSeconds: 0 });
    await expect(session.exited).resolves.not.toBe(0);
    await runtime.start(containerId);
  });
});
