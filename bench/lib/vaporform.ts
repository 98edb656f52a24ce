/**
 * Vaporform in the benchmark's own process, and the public-API calls the benchmarks need to set it up
 * (a user with an API token, projects). Set-up is never measured.
 */
import path from 'node:path';
import { loadConfig } from '../../apps/server/src/platform/config/config.js';
import { createServer, type Server } from '../../apps/server/src/server.js';
import { host, portOf, repoRoot } from './common.js';

export interface RunningVaporform {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** `<dataDir>/workspaces`: one directory per project id. */
  workspacesDir: string;
}

/**
 * createServer() on `dataDir` (PGlite, created and migrated there), listening on 127.0.0.1 on a port chosen by
 * the OS, logging nothing. Argon2 is cheap: only signup pays for it, and signup is not measured. `env` is laid
 * over `process.env` (e.g. `ANTHROPIC_BASE_URL` of a fake model server); starting again on the same `dataDir`
 * keeps its users, tokens and projects.
 */
export async function startVaporform(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<RunningVaporform> {
  const config = loadConfig({
    VAPORFORM_AUTOSTART: 'false',
    ...process.env,
    ...env,
    VAPORFORM_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
  });
  const server = await createServer(
    config,
    {
      migrationsDir: path.join(repoRoot, 'apps/server/migrations'),
      webDistDir: path.join(dataDir, 'no-web-dist'),
      templatesDir: path.join(repoRoot, 'templates'),
      imagesScript: path.join(repoRoot, 'scripts/images.mjs'),
    },
    { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } },
  );
  try {
    await server.app.listen({ port: 0, host });
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    server,
    base: `http://${host}:${portOf(server.app.server)}`,
    workspacesDir: path.join(config.dataDir, 'workspaces'),
  };
}

/** The parsed JSON body of a 2xx answer; anything else throws with the status and body. */
export async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

/** Signs a user up and creates an API token through the public API, as a client would. */
export async function issueApiToken(base: string): Promise<string> {
  const signup = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password-1234', name: 'Bench' }),
  });
  await json(signup);
  const session = /(?:^|[;,]\s*)vf_session=([^;]+)/.exec(signup.headers.get('set-cookie') ?? '')?.[1];
  if (!session) throw new Error('signup set no vf_session cookie');
  const created = await json(
    await fetch(`${base}/api/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `vf_session=${session}` },
      body: JSON.stringify({ name: 'bench' }),
    }),
  );
  const token = (created as { token?: unknown }).token;
  if (typeof token !== 'string') throw new Error('POST /api/auth/tokens returned no token');
  return token;
}

/** Creates a project from a template through `POST /api/projects`; resolves with its id. */
export async function createProject(
  base: string,
  token: string,
  name: string,
  templateId = 'node-express',
): Promise<string> {
  const created = await json(
    await fetch(`${base}/api/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name, templateId }),
    }),
  );
  const id = (created as { id?: unknown }).id;
  if (typeof id !== 'string') throw new Error('POST /api/projects returned no id');
  return id;
}
