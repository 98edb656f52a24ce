import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The browser suites' lock: two builds writing apps/server/dist at once would leave a torn bundle. */
const lockDir = `${repoRoot}/apps/web/.build-lock`;

/** `node scripts/build.mjs --if-stale --server-only`, as `npm run secrets:rotate` runs it (no web app). */
export async function ensureServerBuilt(): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      const lock = statSync(lockDir, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 4 * 60_000) rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('waited 5 minutes for another build');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    const result = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale', '--server-only'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}\n${result.stderr}`);
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
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

export interface BuiltServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything the process printed so far (its log). */
  output(): string;
  /** SIGTERM, as an operator restarting it would; resolves once the process is gone. */
  stop(): Promise<void>;
}

/**
 * `apps/server/dist/main.js` (what `npm start` runs) in a process of its own on the given data directory,
 * which outlives it: a second start on the same directory is a restart. The environment is the test
 * process's plus `env`, as a server inherits its operator's shell.
 */
export async function startBuiltServer(dataDir: string, env: Record<string, string>): Promise<BuiltServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, [`${repoRoot}/apps/server/dist/main.js`], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      VAPORFORM_DATA_DIR: dataDir,
      VAPORFORM_PUBLIC_URL: url,
      VAPORFORM_AUTOSTART: 'false',
      VAPORFORM_IDLE_MINUTES: '0',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, output: () => output, stop };
}

/** A JSON API client for one server with one bearer token. */
export function apiClient(server: Pick<BuiltServer, 'url'>, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, text: await response.text() };
  };
}

/** Signs a user up (the first becomes the instance admin) and mints an API token for them. */
export async function signUpWithToken(server: Pick<BuiltServer, 'url'>, email: string): Promise<string> {
  const signup = await fetch(`${server.url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ email, password: 'correct horse battery staple', name: 'Operator' }),
  });
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
  const cookie = signup.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const minted = await fetch(`${server.url}/api/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url, cookie },
    body: JSON.stringify({ name: 'tests' }),
  });
  if (minted.status !== 201) throw new Error(`token: ${minted.status} ${await minted.text()}`);
  return ((await minted.json()) as { token: string }).token;
}
