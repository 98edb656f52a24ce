import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { repoRoot } from './build.js';

/** A loopback port nothing listens on right now, for a server process to take. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  /** Resolves once the process is gone, however it went. */
  exited: Promise<void>;
  /** What the process printed so far (its log), for assertions and a failing test's message. */
  output(): string;
  /** SIGTERM, as an operator restarting it would, SIGKILL after 15 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/**
 * `apps/server/dist/main.js` (what `npm start` runs) in a process of its own on `port`, resolved once it
 * answers its health check. The environment is the test process's plus `env`, as a server inherits its
 * operator's shell. `outputLimit` keeps only that many of the last characters printed, for long runs.
 */
export async function spawnBuiltServer(options: {
  port: number;
  dataDir: string;
  publicUrl: string;
  env: Record<string, string>;
  outputLimit?: number;
}): Promise<ServerProcess> {
  const { port, outputLimit } = options;
  let output = '';
  const child = spawn(process.execPath, [`${repoRoot}/apps/server/dist/main.js`], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      VAPORFORM_DATA_DIR: options.dataDir,
      VAPORFORM_PUBLIC_URL: options.publicUrl,
      NODE_ENV: 'production',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (outputLimit !== undefined) output = output.slice(-outputLimit);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (running()) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (running()) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, exited, output: () => output, stop };
}
