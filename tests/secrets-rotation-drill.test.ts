import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ContainerInfo, Turn } from '@vaporform/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../apps/server/src/platform/audit/AuditLog.js';
import { EnvelopeCipher } from '../apps/server/src/platform/crypto/EnvelopeCipher.js';
import { SecretKeyring } from '../apps/server/src/platform/crypto/SecretKeyring.js';
import { openDatabase, type Database } from '../apps/server/src/platform/db/openDatabase.js';
import { InProcessEventBus } from '../apps/server/src/platform/events/InProcessEventBus.js';
import { DockerRuntime, stackImageTag } from '../apps/server/src/services/containers/index.js';
import { SecretsService, SecretStore } from '../apps/server/src/services/secrets/index.js';
import { runtimeImagesUnavailableReason } from '../apps/server/src/testing/dockerAvailability.js';
import { FakeAnthropicServer, reply, text } from './fakes/anthropicMessagesServer.js';
import { pollTurn } from './support/agentTurns.js';
import { ensureServerBuilt, repoRoot } from './support/build.js';
import { apiClient, signUpWithToken, startBuiltServer, type BuiltServer } from './support/builtServer.js';

const dockerUnavailable = await runtimeImagesUnavailableReason([stackImageTag('python')]);

/**
 * The README's rotation procedure, run as an operator would, on the built server (`dist/main.js`) and the
 * built command (`npm run secrets:rotate`) over one embedded database: secrets stored under key A; restart
 * with `B,A`; rotate (server stopped: PGlite has one writer); restart with only B. Every secret must still
 * open — in the running server (the container's environment, the agent's per-user model key) and read back
 * directly with only B — and every record must name B. Before the rotation, B alone opens nothing: that is
 * what the drill proves the command changed.
 */
describe('the secret key rotation drill, on the built server', () => {
  const keyA = `key-a:${randomBytes(32).toString('base64')}`;
  const keyB = `key-b:${randomBytes(32).toString('base64')}`;
  const values = {
    STRIPE_KEY: `sk_live_${randomUUID()}`,
    DEV_ONLY: `dev-${randomUUID()}`,
    PROD_ONLY: `prod-${randomUUID()}`,
    /** Written after the restart with B first: already under B when the rotation runs. */
    LATE_KEY: `late-${randomUUID()}`,
  };
  const ownModelKey = `sk-ant-own-${randomUUID()}`;
  let dataDir: string;
  let fake: FakeAnthropicServer;
  let server: BuiltServer | undefined;
  let token: string;
  let projectId: string;
  /** What every process of the drill printed; none of it may hold a value or a key. */
  const printed: string[] = [];

  const serverEnv = (keys: string) => ({
    VAPORFORM_SECRET_KEYS: keys,
    ANTHROPIC_BASE_URL: fake.url,
    // The fake refuses this one: a turn succeeds only on the user's own key, decrypted by the server.
    ANTHROPIC_API_KEY: 'sk-server-key-the-fake-refuses',
    ...(dockerUnavailable === null ? { VAPORFORM_RUNTIME: 'docker' } : {}),
  });
  async function start(keys: string): Promise<ReturnType<typeof apiClient>> {
    server = await startBuiltServer(dataDir, serverEnv(keys));
    return apiClient(server, token);
  }
  async function stop(): Promise<void> {
    if (!server) return;
    await server.stop();
    printed.push(server.output());
    server = undefined;
  }

  /** The stopped server's database, read directly with the given key list (the server is down: one writer). */
  async function offline<T>(
    keys: string,
    use: (secrets: SecretsService, database: Database) => Promise<T>,
  ): Promise<T> {
    const database = await openDatabase({ pgliteDataDir: path.join(dataDir, 'db') });
    const secrets = new SecretsService({
      store: new SecretStore(database.db),
      cipher: new EnvelopeCipher(SecretKeyring.parse(keys)),
      audit: new AuditLog(database.db),
      events: new InProcessEventBus(),
    });
    try {
      return await use(secrets, database);
    } finally {
      secrets.dispose();
      await database.close();
    }
  }
  async function keyIds(database: Database): Promise<Record<string, string>> {
    const { rows } = await sql<{ name: string; key_id: string; version: number }>`
      select name, key_id, version from project_secrets
      union all select 'user:' || name, key_id, version from user_secrets order by 1`.execute(database.db);
    return Object.fromEntries(rows.map((row) => [row.name, `${row.key_id} v${row.version}`]));
  }
  async function ownerId(database: Database): Promise<string> {
    const { rows } = await sql<{
      id: string;
    }>`select id from users where email = 'operator@example.com'`.execute(database.db);
    return rows[0]!.id;
  }

  beforeAll(async () => {
    await ensureServerBuilt();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vaporform-rotation-'));
    fake = await FakeAnthropicServer.start({ apiKey: ownModelKey });
  }, 120_000);

  afterAll(async () => {
    await stop();
    if (projectId && dockerUnavailable === null) {
      const raw = new DockerRuntime();
      const container = await raw.findByProject(projectId);
      if (container) await raw.remove(container.id);
      await raw.dispose();
    }
    await fake?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('stores project and user secrets under key A', async () => {
    server = await startBuiltServer(dataDir, serverEnv(keyA));
    token = await signUpWithToken(server, 'operator@example.com');
    const api = apiClient(server, token);
    const created = await api('POST', '/api/projects', { name: 'Rotation', templateId: 'python-flask' });
    expect(created.status, created.text).toBe(201);
    projectId = (JSON.parse(created.text) as { id: string }).id;
    const put = (name: string, body: object) =>
      api('PUT', `/api/projects/${projectId}/secrets/${name}`, body);
    expect((await put('STRIPE_KEY', { value: values.STRIPE_KEY })).status).toBe(201);
    expect((await put('DEV_ONLY', { value: values.DEV_ONLY, environment: 'development' })).status).toBe(201);
    expect((await put('PROD_ONLY', { value: values.PROD_ONLY, environment: 'production' })).status).toBe(201);
    expect((await api('PUT', '/api/auth/secrets/ANTHROPIC_API_KEY', { value: ownModelKey })).status).toBe(
      201,
    );
    await stop();
  }, 60_000);

  it('restarted with B first, writes new secrets under B; without A nothing older opens', async () => {
    const api = await start(`${keyB},${keyA}`);
    const late = await api('PUT', `/api/projects/${projectId}/secrets/LATE_KEY`, { value: values.LATE_KEY });
    expect(late.status, late.text).toBe(201);
    await stop();
    expect(await offline(keyB, async (_, database) => keyIds(database))).toEqual({
      DEV_ONLY: 'key-a v1',
      LATE_KEY: 'key-b v1',
      PROD_ONLY: 'key-a v1',
      STRIPE_KEY: 'key-a v1',
      'user:ANTHROPIC_API_KEY': 'key-a v1',
    });
    await offline(keyB, async (secrets) => {
      await expect(secrets.projectEnvironment(projectId)).rejects.toThrow(/key 'key-a', which is not in/);
    });
  }, 60_000);

  it('re-wraps every secret under B with `npm run secrets:rotate`', async () => {
    const child = spawn('npm', ['run', '--silent', 'secrets:rotate'], {
      cwd: repoRoot,
      env: { ...process.env, VAPORFORM_DATA_DIR: dataDir, VAPORFORM_SECRET_KEYS: `${keyB},${keyA}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    printed.push(output);
    expect(code, output).toBe(0);
    expect(output).toContain('Key list from VAPORFORM_SECRET_KEYS: key-b, key-a (current: key-b)');
    expect(output).toContain(
      'project secrets: 3 re-wrapped, 1 already current, 0 rewritten meanwhile, 0 failed',
    );
    expect(output).toContain(
      'user secrets: 1 re-wrapped, 0 already current, 0 rewritten meanwhile, 0 failed',
    );
    expect(output).toContain('key-a may now be removed from the key list');
  }, 60_000);

  it('restarted with only B, every secret opens and every record names B', async () => {
    const api = await start(keyB);
    if (dockerUnavailable === null) {
      const started = await api('POST', `/api/projects/${projectId}/container/start?wait=true`);
      expect(started.status, started.text).toBe(200);
      expect(JSON.parse(started.text) as ContainerInfo).toMatchObject({ status: 'running' });
      const raw = new DockerRuntime();
      try {
        const container = await raw.findByProject(projectId);
        const env = (await raw.exec(container!.id, ['printenv'])).stdout;
        // Unscoped and `development` secrets are the container's; `production` ones are not.
        for (const name of ['STRIPE_KEY', 'DEV_ONLY', 'LATE_KEY'] as const)
          expect(env).toContain(`${name}=${values[name]}\n`);
        expect(env).not.toContain('PROD_ONLY');
      } finally {
        await raw.dispose();
      }
    }
    // The agent's turn runs on the user's own model key (the fake answers 401 to any other): the server
    // opened that user secret under B.
    fake.script([reply([text('Rotated.')])]);
    const chat = await api('POST', `/api/projects/${projectId}/chat`, { message: 'Still there?' });
    expect(chat.status, chat.text).toBe(202);
    const { turnId } = JSON.parse(chat.text) as { turnId: string };
    const turn = await pollTurn(
      async () =>
        JSON.parse((await api('GET', `/api/projects/${projectId}/chat/turns/${turnId}`)).text) as Turn,
    );
    expect(turn).toMatchObject({ status: 'done', text: 'Rotated.' });
    await stop();

    await offline(keyB, async (secrets, database) => {
      // Re-wrapped, not re-written: versions are unchanged.
      expect(await keyIds(database)).toEqual({
        DEV_ONLY: 'key-b v1',
        LATE_KEY: 'key-b v1',
        PROD_ONLY: 'key-b v1',
        STRIPE_KEY: 'key-b v1',
        'user:ANTHROPIC_API_KEY': 'key-b v1',
      });
      expect(await secrets.projectEnvironment(projectId, 'production')).toEqual({
        STRIPE_KEY: values.STRIPE_KEY,
        PROD_ONLY: values.PROD_ONLY,
        LATE_KEY: values.LATE_KEY,
      });
      expect(await secrets.projectEnvironment(projectId, 'development')).toEqual({
        STRIPE_KEY: values.STRIPE_KEY,
        DEV_ONLY: values.DEV_ONLY,
        LATE_KEY: values.LATE_KEY,
      });
      expect(await secrets.userSecret(await ownerId(database), 'ANTHROPIC_API_KEY')).toBe(ownModelKey);
      const { rows } = await sql<{ detail: { keyId: string; rewrapped: number; failed: number } }>`
        select detail from audit_log where action = 'secret.rotated'`.execute(database.db);
      expect(rows.map((row) => row.detail)).toEqual([{ keyId: 'key-b', rewrapped: 4, failed: 0 }]);
    });
  }, 60_000);

  it('printed no value and no key, in any server start or the rotation', () => {
    const output = printed.join('\n');
    expect(output).toContain('Vaporform is listening');
    const keyMaterial = [keyA, keyB].map((entry) => entry.slice(entry.indexOf(':') + 1));
    for (const secret of [...Object.values(values), ownModelKey, ...keyMaterial])
      expect(output).not.toContain(secret);
  });
});
