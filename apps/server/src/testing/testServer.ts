import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { loadConfig } from '../platform/config/config.js';
import type { Database } from '../platform/db/openDatabase.js';
import { createServer, type Server, type ServerOverrides } from '../server.js';
import { migrationsDir, repoRoot } from './testPaths.js';

/** Argon2 parameters cheap enough for tests; production parameters are tested in passwordHasher.test.ts. */
export const fastArgon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

export interface TestServer extends Server {
  dataDir: string;
  /** A JSON request through the real HTTP stack (Fastify inject), carrying cookies or a token if given. */
  request(options: TestRequest): Promise<LightMyRequestResponse>;
  /** Signs a user up and returns their session cookie header and user id. */
  signup(email: string, name?: string): Promise<{ cookie: string; userId: string; role: string }>;
  /** Signs a user up and mints an API token for them. */
  userWithToken(email: string): Promise<{ token: string; userId: string; cookie: string }>;
}

export interface TestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  url: string;
  body?: unknown;
  cookie?: string;
  token?: string;
  headers?: Record<string, string>;
}

export const testPassword = 'correct horse battery staple';

export function sessionCookieFrom(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((entry) => entry.name === 'vf_session');
  if (!cookie) throw new Error(`no session cookie in response ${response.statusCode}: ${response.body}`);
  return `vf_session=${cookie.value}`;
}

export async function startTestServer(
  database: Database,
  options: { env?: Record<string, string>; overrides?: ServerOverrides } = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vaporform-server-'));
  const config = loadConfig({ VAPORFORM_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...options.env });
  const server = await createServer(
    config,
    {
      migrationsDir,
      webDistDir: path.join(repoRoot, 'apps/web/dist-absent-in-tests'),
      templatesDir: path.join(repoRoot, 'templates'),
      imagesScript: path.join(repoRoot, 'scripts/images.mjs'),
    },
    {
      logger: pino({ level: 'silent' }),
      database,
      argon2: fastArgon2,
      // Container suites pass a runtime; everything else runs without one.
      containerRuntime: { runtime: null, kind: 'docker', note: 'This test server has no container runtime' },
      ...options.overrides,
    },
  );

  const request = (input: TestRequest) => {
    const headers: Record<string, string> = { ...input.headers };
    if (input.cookie) headers.cookie = input.cookie;
    if (input.token) headers.authorization = `Bearer ${input.token}`;
    return server.app.inject({
      method: input.method,
      url: input.url,
      headers,
      ...(input.body === undefined ? {} : { payload: input.body as object }),
    });
  };

  const signup = async (email: string, name = 'Test User') => {
    const response = await request({
      method: 'POST',
      url: '/api/auth/signup',
      body: { email, password: testPassword, name },
    });
    if (response.statusCode !== 201)
      throw new Error(`signup failed: ${response.statusCode} ${response.body}`);
    const user = response.json<{ user: { id: string; role: string } }>().user;
    return { cookie: sessionCookieFrom(response), userId: user.id, role: user.role };
  };

  return {
    ...server,
    dataDir,
    request,
    signup,
    userWithToken: async (email) => {
      const { cookie, userId } = await signup(email);
      const response = await request({
        method: 'POST',
        url: '/api/auth/tokens',
        cookie,
        body: { name: 'tests' },
      });
      return { token: response.json<{ token: string }>().token, userId, cookie };
    },
    close: async () => {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
