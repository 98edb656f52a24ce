import { freePort, spawnBuiltServer } from './serverProcess.js';

export interface BuiltServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything the process printed so far (its log). */
  output(): string;
  /** SIGTERM, as an operator restarting it would; resolves once the process is gone. */
  stop(): Promise<void>;
}

/**
 * The built server on the given data directory, which outlives it: a second start on the same directory is
 * a restart. Nothing starts by itself or idles out, and it logs at info, which tests read.
 */
export async function startBuiltServer(dataDir: string, env: Record<string, string>): Promise<BuiltServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await spawnBuiltServer({
    port,
    dataDir,
    publicUrl: url,
    env: { VAPORFORM_AUTOSTART: 'false', VAPORFORM_IDLE_MINUTES: '0', LOG_LEVEL: 'info', ...env },
  });
  return { url, output: server.output, stop: server.stop };
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
