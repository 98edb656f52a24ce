import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TtySession } from '../containerRuntime.js';
import { LocalRuntime } from '../localRuntime.js';

/** Polls `probe` until `predicate` holds (10 s at most); a local copy, as tests may not reach across folders. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  predicate: (value: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + 10_000;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Collects what the terminal prints; `waitFor` resolves once the output holds the text or pattern. */
function collect(session: TtySession): { waitFor: (wanted: RegExp | string) => Promise<void> } {
  let output = '';
  session.stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return {
    waitFor: async (wanted) => {
      await eventually(
        `${String(wanted)} in the terminal output`,
        async () => output,
        (text) => (typeof wanted === 'string' ? text.includes(wanted) : wanted.test(text)),
      );
    },
  };
}

/** Pids of live `sleep <seconds>` processes. */
async function sleepers(seconds: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if ((await readFile(`/proc/${name}/cmdline`, 'utf8')) === `sleep\0${seconds}\0`)
        found.push(Number(name));
    } catch {
      // exited while listing
    }
  }
  return found;
}

// node-pty is a devDependency (npm install builds it), so these always run.
describe('LocalRuntime terminals (node-pty)', { timeout: 30_000 }, () => {
  const runtime = new LocalRuntime({ useBubblewrap: false, execTimeoutMs: 10_000, stopTimeoutSeconds: 2 });
  const temporary: string[] = [];

  afterAll(async () => {
    await runtime.dispose();
    await Promise.all(temporary.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  async function running(): Promise<{ id: string; workspace: string }> {
    const workspace = await mkdtemp(path.join(os.tmpdir(), 'vaporform-local-tty-'));
    temporary.push(workspace);
    const id = await runtime.create({
      projectId: `local-${randomUUID()}`,
      image: 'vaporform/runtime-node:latest',
      workspaceDir: workspace,
      appPort: 3000,
      resources: { memoryBytes: 64 * 1024 * 1024, cpus: 0.5, pidsLimit: 64 },
      labels: { 'dev.vaporform.test': 'local-tty' },
    });
    await runtime.start(id);
    return { id, workspace: await realpath(workspace) };
  }

  it('runs the command on a terminal of the requested size in the workspace, with keystrokes and resizes', async () => {
    const { id, workspace } = await running();
    const session = await runtime.openTty(id, ['/bin/sh'], { cols: 100, rows: 30 });
    const output = collect(session);
    session.stream.write('tty -s && echo "tty=yes term=$TERM"; stty size; pwd\n');
    await output.waitFor(/tty=yes term=xterm-256color/);
    await output.waitFor(/30 100/);
    // A terminal ends lines with CRLF.
    await output.waitFor(`${workspace}\r\n`);
    await session.resize(120, 40);
    session.stream.write('stty size\n');
    await output.waitFor(/40 120/);
    // A character split across two writes reaches the shell whole: byte 8 is inside the euro sign.
    const euro = Buffer.from('echo "x€x"\n');
    session.stream.write(euro.subarray(0, 8));
    session.stream.write(euro.subarray(8));
    await output.waitFor(/x€x\r?\n/);
    session.stream.write('exit 7\n');
    expect(await session.exited).toBe(7);
    await session.dispose();
  });

  it('ends what the shell started when it is disposed, and reports no exit code', async () => {
    const { id } = await running();
    const session = await runtime.openTty(id, ['/bin/sh'], { cols: 80, rows: 24 });
    const output = collect(session);
    const seconds = `${randomInt(300, 400)}.${randomInt(100_000, 999_999)}`;
    // In the background and out of the terminal's process group: only the marker finds it.
    // The quotes keep the terminal's echo of the typed line from matching.
    session.stream.write(`setsid sleep ${seconds} & echo "start""ed"\n`);
    await output.waitFor(/started\r?\n/);
    await eventually(
      'the sleeper to run',
      () => sleepers(seconds),
      (pids) => pids.length === 1,
    );
    await session.dispose();
    expect(await session.exited).toBeNull();
    await eventually(
      'the sleeper to be gone',
      () => sleepers(seconds),
      (pids) => pids.length === 0,
    );
    await expect(session.resize(90, 30)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses a terminal in a stopped container', async () => {
    const { id } = await running();
    await runtime.stop(id);
    await expect(runtime.openTty(id, ['/bin/sh'], { cols: 80, rows: 24 })).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});
