import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnBuiltServer } from '../../support/serverProcess.js';

export interface RunningIde {
  /** `http://localhost:<port>`: the IDE origin, as a newcomer would open it. */
  origin: string;
  port: number;
  /** `preview.localhost:<port>`: previews at `http://<slug>.<previewHost>`. */
  previewHost: string;
  dataDir: string;
  /** What the server printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The built server (`apps/server/dist/main.js`, which the global setup builds when stale) in a process of its
 * own on a fresh data directory: exactly what `npm start` runs, web assets included.
 */
export async function startIde(env: Record<string, string> = {}): Promise<RunningIde> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vaporform-browser-'));
  const origin = `http://localhost:${port}`;
  // A browser suite runs long: the last of what it printed is enough for a failure's message.
  const server = await spawnBuiltServer({
    port,
    dataDir,
    publicUrl: origin,
    env: { LOG_LEVEL: 'warn', ...env },
    outputLimit: 20_000,
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const stop = async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  return { origin, port, previewHost: `preview.localhost:${port}`, dataDir, output: server.output, stop };
}
