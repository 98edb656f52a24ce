import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../apps/server/src/platform/config/config.js';
import { keyFilePath } from '../apps/server/src/platform/crypto/loadKeyring.js';
import type { Database } from '../apps/server/src/platform/db/openDatabase.js';
import { pgliteDialect } from '../apps/server/src/platform/db/pgliteDialect.js';
import { createServer } from '../apps/server/src/server.js';
import { migrationsDir, repoRoot } from '../apps/server/src/testing/testPaths.js';
import { startTestServer, type TestServer } from '../apps/server/src/testing/testServer.js';

/** A migrated PGlite whose raw data directory the test can read afterwards. */
async function inspectablePglite(): Promise<{ database: Database; rawData: () => Promise<Buffer> }> {
  const snapshot = new Blob([await readFile(inject('pgliteSnapshotPath'))]);
  const pglite = await PGlite.create('memory://', { loadDataDir: snapshot });
  const db = new Kysely<object>({ dialect: pgliteDialect(pglite) });
  return {
    database: {
      db,
      kind: 'pglite',
      ping: async () => undefined,
      close: async () => {
        await db.destroy();
        await pglite.close();
      },
    },
    rawData: async () => {
      await sql`checkpoint`.execute(db);
      return Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer());
    },
  };
}

interface SecretJson {
  name: string;
  environment: string | null;
  version: number;
  updatedAt: string;
  updatedBy: { id: string; name: string } | null;
}

describe('project and user secrets through the API', () => {
  let server: TestServer;
  let rawData: () => Promise<Buffer>;
  let owner: { token: string; userId: string };
  let writer: { token: string; userId: string };
  let reader: { token: string; userId: string };
  let stranger: { token: string; userId: string };
  let projectId: string;
  /** Every value sent; none may come back in any response, audit entry or byte of the database. */
  const sent: string[] = [];
  const secretValue = (label: string) => {
    const value = `${label}-${randomUUID()}`;
    sent.push(value);
    return value;
  };
  const url = (name: string) => `/api/projects/${projectId}/secrets/${name}`;

  beforeAll(async () => {
    const inspectable = await inspectablePglite();
    rawData = inspectable.rawData;
    server = await startTestServer(inspectable.database);
    await server.signup('platform-admin@example.com');
    owner = await server.userWithToken('secrets-owner@example.com');
    writer = await server.userWithToken('secrets-writer@example.com');
    reader = await server.userWithToken('secrets-reader@example.com');
    stranger = await server.userWithToken('secrets-stranger@example.com');
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: 'Secretive', templateId: 'node-express' },
    });
    projectId = created.json<{ id: string }>().id;
    for (const [email, permission] of [
      ['secrets-writer@example.com', 'write'],
      ['secrets-reader@example.com', 'read'],
    ]) {
      const added = await server.request({
        method: 'POST',
        url: `/api/projects/${projectId}/members`,
        token: owner.token,
        body: { email, permission },
      });
      expect(added.statusCode).toBe(201);
    }
  });
  afterAll(async () => server?.close());

  it('lets an admin set, replace and delete a secret, answering with metadata only', async () => {
    const events: unknown[] = [];
    const subscription = server.events.subscribe('secrets.changed', (payload) => void events.push(payload));
    const value = secretValue('pg');
    const created = await server.request({
      method: 'PUT',
      url: url('DATABASE_URL'),
      token: owner.token,
      body: { value },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json<SecretJson>()).toMatchObject({
      name: 'DATABASE_URL',
      environment: null,
      version: 1,
      updatedBy: { id: owner.userId, name: 'Test User' },
    });
    const replaced = await server.request({
      method: 'PUT',
      url: url('DATABASE_URL'),
      token: owner.token,
      body: { value: secretValue('pg2'), environment: 'production' },
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json<SecretJson>()).toMatchObject({ version: 2, environment: 'production' });
    for (const response of [created, replaced]) {
      expect(Object.keys(response.json<object>()).sort()).toEqual([
        'environment',
        'name',
        'updatedAt',
        'updatedBy',
        'version',
      ]);
    }
    expect(await server.secrets.projectEnvironment(projectId, 'production')).toEqual({
      DATABASE_URL: sent.at(-1),
    });

    await server.request({
      method: 'PUT',
      url: url('DOOMED'),
      token: owner.token,
      body: { value: secretValue('d') },
    });
    const deleted = await server.request({ method: 'DELETE', url: url('DOOMED'), token: owner.token });
    expect(deleted.statusCode).toBe(204);
    const again = await server.request({ method: 'DELETE', url: url('DOOMED'), token: owner.token });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ error: { code: 'not_found', message: 'Secret DOOMED not found' } });
    await subscription.dispose();
    expect(events).toEqual([{ projectId }, { projectId }, { projectId }, { projectId }]);
  });

  it('lists names and metadata to write members, never values', async () => {
    await server.request({
      method: 'PUT',
      url: url('STRIPE_KEY'),
      token: owner.token,
      body: { value: secretValue('sk') },
    });
    const listed = await server.request({
      method: 'GET',
      url: `/api/projects/${projectId}/secrets`,
      token: writer.token,
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json<SecretJson[]>().map((secret) => secret.name)).toEqual(['DATABASE_URL', 'STRIPE_KEY']);
    for (const value of sent) expect(listed.body).not.toContain(value);
    const byOwner = await server.request({
      method: 'GET',
      url: `/api/projects/${projectId}/secrets`,
      token: owner.token,
    });
    expect(byOwner.json()).toEqual(listed.json());
  });

  it('keeps changes to admins: write and read members are refused, strangers see no project', async () => {
    const put = (token: string) =>
      server.request({ method: 'PUT', url: url('STRIPE_KEY'), token, body: { value: 'overwritten' } });
    expect((await put(writer.token)).statusCode).toBe(403);
    expect(
      (await server.request({ method: 'DELETE', url: url('STRIPE_KEY'), token: writer.token })).statusCode,
    ).toBe(403);
    const readerList = await server.request({
      method: 'GET',
      url: `/api/projects/${projectId}/secrets`,
      token: reader.token,
    });
    expect(readerList.statusCode).toBe(403);
    expect(readerList.json()).toMatchObject({
      error: { code: 'forbidden', message: expect.stringMatching(/'write'/) },
    });
    expect((await put(reader.token)).statusCode).toBe(403);
    for (const request of [
      { method: 'GET' as const, url: `/api/projects/${projectId}/secrets` },
      { method: 'PUT' as const, url: url('STRIPE_KEY'), body: { value: 'x' } },
      { method: 'DELETE' as const, url: url('STRIPE_KEY') },
    ]) {
      const response = await server.request({ ...request, token: stranger.token });
      expect(response.statusCode, request.method).toBe(404);
    }
    expect(
      (await server.request({ method: 'GET', url: `/api/projects/${projectId}/secrets` })).statusCode,
    ).toBe(401);
    // Nothing above changed the value.
    expect((await server.secrets.projectEnvironment(projectId)).STRIPE_KEY).toBe(
      sent.find((v) => v.startsWith('sk-')),
    );
  });

  it.each([
    ['lower-case', 'database_url'],
    ['a leading digit', '1PASSWORD'],
    ['a dash', 'API-KEY'],
    ['more than 128 characters', `A${'B'.repeat(128)}`],
  ])('refuses a name with %s, saying what a name looks like', async (_, name) => {
    const response = await server.request({
      method: 'PUT',
      url: url(name),
      token: owner.token,
      body: { value: 'v' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: {
        code: 'validation_failed',
        message: expect.stringMatching(/params\.name: must be 1–128 upper-case/),
      },
    });
  });

  it('accepts a name of 128 characters, the longest', async () => {
    const name = `A${'B'.repeat(127)}`;
    const response = await server.request({
      method: 'PUT',
      url: url(name),
      token: owner.token,
      body: { value: 'v' },
    });
    expect(response.statusCode).toBe(201);
    expect((await server.request({ method: 'DELETE', url: url(name), token: owner.token })).statusCode).toBe(
      204,
    );
  });

  it('refuses bad bodies: NUL in a value, an unknown field, a malformed environment', async () => {
    for (const body of [
      { value: 'a\u0000b' },
      { value: 'v', extra: true },
      { value: 'v', environment: 'Prod!' },
      {},
    ]) {
      const response = await server.request({
        method: 'PUT',
        url: url('GOOD_NAME'),
        token: owner.token,
        body,
      });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
    }
  });

  it('keeps user secrets to their owner', async () => {
    const mine = secretValue('sk-ant');
    const put = await server.request({
      method: 'PUT',
      url: '/api/auth/secrets/ANTHROPIC_API_KEY',
      token: writer.token,
      body: { value: mine },
    });
    expect(put.statusCode).toBe(201);
    expect(put.json()).toEqual({ name: 'ANTHROPIC_API_KEY', version: 1, updatedAt: expect.any(String) });
    const own = await server.request({ method: 'GET', url: '/api/auth/secrets', token: writer.token });
    expect(own.json<{ name: string }[]>().map((secret) => secret.name)).toEqual(['ANTHROPIC_API_KEY']);
    expect(own.body).not.toContain(mine);
    const theirs = await server.request({ method: 'GET', url: '/api/auth/secrets', token: reader.token });
    expect(theirs.json()).toEqual([]);
    const foreignDelete = await server.request({
      method: 'DELETE',
      url: '/api/auth/secrets/ANTHROPIC_API_KEY',
      token: reader.token,
    });
    expect(foreignDelete.statusCode).toBe(404);
    expect(await server.secrets.userSecret(writer.userId, 'ANTHROPIC_API_KEY')).toBe(mine);
    expect(await server.secrets.userSecret(reader.userId, 'ANTHROPIC_API_KEY')).toBeNull();
    expect((await server.request({ method: 'GET', url: '/api/auth/secrets' })).statusCode).toBe(401);
    const bad = await server.request({
      method: 'PUT',
      url: '/api/auth/secrets/lower',
      token: writer.token,
      body: { value: 'v' },
    });
    expect(bad.statusCode).toBe(400);
    const removed = await server.request({
      method: 'DELETE',
      url: '/api/auth/secrets/ANTHROPIC_API_KEY',
      token: writer.token,
    });
    expect(removed.statusCode).toBe(204);
    expect(await server.secrets.userSecret(writer.userId, 'ANTHROPIC_API_KEY')).toBeNull();
  });

  it('audits every change by name, version and actor, never by value', async () => {
    const { rows } = await sql<{
      actor_id: string;
      project_id: string | null;
      action: string;
      detail: object;
    }>`
      select actor_id, project_id, action, detail from audit_log where action like 'secret.%' order by id`.execute(
      server.database.db,
    );
    const longName = `A${'B'.repeat(127)}`;
    expect(rows.map((row) => [row.action, (row.detail as { name: string }).name])).toEqual([
      ['secret.set', 'DATABASE_URL'],
      ['secret.set', 'DATABASE_URL'],
      ['secret.set', 'DOOMED'],
      ['secret.deleted', 'DOOMED'],
      ['secret.set', 'STRIPE_KEY'],
      ['secret.set', longName],
      ['secret.deleted', longName],
      ['secret.set', 'ANTHROPIC_API_KEY'],
      ['secret.deleted', 'ANTHROPIC_API_KEY'],
    ]);
    expect(rows[1]).toMatchObject({
      actor_id: owner.userId,
      project_id: projectId,
      detail: { scope: 'project', name: 'DATABASE_URL', version: 2, environment: 'production' },
    });
    expect(rows[7]).toMatchObject({ actor_id: writer.userId, project_id: null, detail: { scope: 'user' } });
    const text = JSON.stringify(rows);
    expect(sent.length).toBeGreaterThan(4);
    for (const value of sent) expect(text).not.toContain(value);
  });

  it('takes values up to 32 KiB and refuses longer ones with a 400 that names the limit, not the value', async () => {
    // `label-<uuid>`: 37 characters besides the label.
    const longest = secretValue('x'.repeat(32 * 1024 - 37));
    expect(longest).toHaveLength(32 * 1024);
    const accepted = await server.request({
      method: 'PUT',
      url: url('BIG_CERT'),
      token: owner.token,
      body: { value: longest },
    });
    expect(accepted.statusCode).toBe(201);
    expect((await server.secrets.projectEnvironment(projectId)).BIG_CERT).toBe(longest);

    const oversize = `${longest}y`;
    for (const request of [
      { url: url('BIG_CERT'), token: owner.token },
      { url: '/api/auth/secrets/BIG_CERT', token: writer.token },
    ]) {
      const response = await server.request({ method: 'PUT', ...request, body: { value: oversize } });
      expect(response.statusCode, request.url).toBe(400);
      expect(response.json()).toMatchObject({
        error: {
          code: 'validation_failed',
          message: 'Invalid request: body.value: must be at most 32768 characters',
        },
      });
      expect(response.body).not.toContain('x'.repeat(64));
    }
    // The refused write left the stored one alone.
    expect((await server.secrets.projectEnvironment(projectId)).BIG_CERT).toBe(longest);
    expect(await server.secrets.userSecret(writer.userId, 'BIG_CERT')).toBeNull();
  });

  it('leaves no value anywhere in the raw database files', async () => {
    const raw = await rawData();
    expect(raw.includes(Buffer.from('DATABASE_URL'))).toBe(true);
    for (const value of sent) expect(raw.includes(Buffer.from(value)), value).toBe(false);
  });

  it('created the key file 0600 in the data directory', async () => {
    expect((await stat(keyFilePath(server.dataDir))).mode & 0o777).toBe(0o600);
  });
});

describe('server start with a key file others can read', () => {
  it('refuses to start and says chmod 600', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vaporform-keyfile-'));
    const start = (database: Database) =>
      createServer(
        loadConfig({ VAPORFORM_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
        {
          migrationsDir,
          webDistDir: path.join(repoRoot, 'apps/web/dist-absent-in-tests'),
          templatesDir: path.join(repoRoot, 'templates'),
          imagesScript: null,
        },
        {
          logger: pino({ level: 'silent' }),
          database,
          containerRuntime: { runtime: null, kind: 'docker', note: 'no runtime in this test' },
        },
      );
    try {
      const first = await start((await inspectablePglite()).database);
      await first.close();
      await chmod(keyFilePath(dataDir), 0o644);
      const { database } = await inspectablePglite();
      await expect(start(database)).rejects.toThrow(`chmod 600 ${keyFilePath(dataDir)}`);
      await database.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
