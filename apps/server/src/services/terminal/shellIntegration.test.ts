/* eslint-disable no-control-regex -- terminal output is made of control sequences */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { Principal } from '../../platform/http/policy.js';
import { describeWithDocker, runtimeImagesUnavailableReason } from '../../testing/dockerAvailability.js';
import { socketPair } from '../../testing/socketPair.js';
import { DockerRuntime, stackImageTag } from '../containers/index.js';
import { TerminalService } from './terminalService.js';

const image = stackImageTag('node');
const unavailable = await runtimeImagesUnavailableReason([image]);
const principal = { userId: 'u1', email: 'a@example.com', name: 'A', role: 'user' } as unknown as Principal;

/** The browser's end of a terminal: everything it printed, and keystrokes. */
class Shell {
  output = '';

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.output += data.toString('utf8');
    });
  }

  type(text: string): void {
    this.socket.send(Buffer.from(text), { binary: true });
  }

  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (Date.now() > deadline) {
        throw new Error(
          `no ${String(pattern)} in terminal output: ${JSON.stringify(this.output.slice(-800))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The shell-integration marks so far, e.g. `E:false`, `D:1`. */
  marks(): string[] {
    return [...this.output.matchAll(/\x1b\]633;([A-Z])(?:;([^\x07]*))?\x07/g)].map(([, kind, value]) =>
      value === undefined ? `${kind}` : `${kind}:${value}`,
    );
  }
}

describeWithDocker(unavailable, 'shell integration in a project container terminal', () => {
  const runtime = new DockerRuntime();
  const cleanups: (() => Promise<void> | void)[] = [];
  const projectId = `shell-integration-${process.pid}-${Date.now()}`;
  let containerId: string | undefined;
  let service: TerminalService | undefined;
  let workspace: string;

  beforeAll(async () => {
    workspace = await mkdtemp(path.join(os.tmpdir(), 'vaporform-shell-integration-'));
    const id = await runtime.create({
      projectId,
      image,
      workspaceDir: workspace,
      appPort: 3000,
      resources: { memoryBytes: 128 * 1024 * 1024, cpus: 0.5, pidsLimit: 128 },
      command: ['sleep', 'infinity'],
    });
    containerId = id;
    await runtime.start(id);
    service = new TerminalService({
      openTty: (_projectId, _principal, command, options) => runtime.openTty(id, command, options),
      permissionOf: async () => 'execute',
      credentialActive: async () => true,
    });
  }, 60_000);

  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await service?.dispose();
    if (containerId) await runtime.remove(containerId);
    await runtime.removeNetwork(projectId);
    await runtime.dispose();
    await rm(workspace, { recursive: true, force: true });
  }, 60_000);

  async function open(terminalId: string, size = { cols: 100, rows: 30 }): Promise<Shell> {
    if (!service) throw new Error('no terminal service: the container did not start');
    const { server, client } = await socketPair(cleanups);
    const shell = new Shell(client);
    await service.connect(server, { projectId: 'p', principal, terminalId, ...size });
    return shell;
  }

  it('marks each command that ran with its command line and exit code, and nothing else', async () => {
    const shell = await open('marks');
    shell.type('false\n');
    await shell.waitFor(/\x1b\]633;D;1\x07/);
    shell.type('\n'); // an empty Enter runs nothing
    shell.type('true\n');
    await shell.waitFor(/\x1b\]633;D;0\x07/);
    shell.type('echo "a;b\\c" | grep -q zzz\n');
    await shell.waitFor(/633;D;1\x07[\s\S]*633;D;1\x07/);
    expect(shell.marks()).toEqual([
      'C',
      'E:false',
      'D:1',
      'C',
      'E:true',
      'D:0',
      'C',
      // `;` and `\` are escaped, as VS Code's protocol has them.
      'E:echo "a\\x3bb\\\\c" | grep -q zzz',
      'D:1',
    ]);
  });

  it('leaves the prompt, the size and the resize as they were', async () => {
    const shell = await open('prompt', { cols: 90, rows: 20 });
    shell.type('stty size\n');
    await shell.waitFor(/20 90/);
    shell.socket.send(JSON.stringify({ type: 'resize', cols: 120, rows: 40 }));
    // A resize is a call to Docker and keystrokes are not: ask until the new size shows.
    for (let attempt = 0; !/40 120/.test(shell.output) && attempt < 20; attempt++) {
      shell.type('stty size\n');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    shell.type('echo "sum=$((6*7))"\n');
    // Debian's prompt, right after the output (the marks are all there is in between).
    await shell.waitFor(/sum=42\r\n(\x1b\]633;[^\x07]*\x07)+(\x1b\[\?2004h)?vaporform@[^:]+:\/workspace\$ $/);
    expect(shell.output).toMatch(/40 120/);
  });

  it('keeps a PROMPT_COMMAND from the user’s profile, which still sees the exit code', async () => {
    const setup = await open('profile-setup');
    setup.type(`printf '%s\\n' 'PROMPT_COMMAND="echo user-hook-\\$?"' > ~/.profile; echo saved-$((1+1))\n`);
    await setup.waitFor(/saved-2/);
    try {
      const shell = await open('profile');
      shell.type('(exit 7)\n');
      await shell.waitFor(/user-hook-7/);
      expect(shell.marks()).toEqual(['C', 'E:(exit 7)', 'D:7']);
    } finally {
      setup.type('rm -f ~/.profile; echo removed-$((1+1))\n');
      await setup.waitFor(/removed-2/);
    }
  });

  it('reports Ctrl+C as 130 and an exit as the shell’s end', async () => {
    const shell = await open('interrupt');
    shell.type('sleep 30\n');
    await shell.waitFor(/633;C\x07/);
    shell.type('\x03');
    await shell.waitFor(/633;D;130\x07/);
    const closed = once(shell.socket, 'close');
    shell.type('exit 4\n');
    await closed;
  });
});
