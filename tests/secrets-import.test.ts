import { randomUUID } from 'node:crypto';
import type { ImportSecretsResult, ProjectSecret } from '@vaporform/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../apps/server/src/testing/testDatabases.js';
import { startTestServer, type TestServer } from '../apps/server/src/testing/testServer.js';

/** `POST /api/projects/:id/secrets/import`: a workspace .env file into project secrets, end to end. */
describe('importing secrets from a .env file', () => {
  let server: TestServer;
  let owner: { token: string; userId: string };
  let writer: { token: string; userId: string };
  let projectId: string;
  const stripe = `sk_live_${randomUUID()}`;
  const database = `postgres://app:${randomUUID()}@db:5432/app`;
  const pem = `-----BEGIN KEY-----\n${randomUUID()}\n-----END KEY-----`;
  const dotenv = [
    '# Service keys',
    `export STRIPE_KEY=${stripe} # live key`,
    '',
    `DATABASE_URL="${database}"`,
    `PRIVATE_KEY="${pem}"`,
    'lower_case=kept-in-the-file',
    'DEBUG=true',
    '# trailing comment',
    '',
  ].join('\r\n');

  const putFile = (path: string, content: string) =>
    server.app.inject({
      method: 'PUT',
      url: `/api/projects/${projectId}/files/${path}`,
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/octet-stream' },
      payload: content,
    });
  const readFile = async (path: string) =>
    (
      await server.request({
        method: 'GET',
        url: `/api/projects/${projectId}/files/${path}`,
        token: owner.token,
      })
    ).body;
  const importSecrets = (body: object, token = owner.token) =>
    server.request({ method: 'POST', url: `/api/projects/${projectId}/secrets/import`, token, body });
  const names = async () =>
    (await server.request({ method: 'GET', url: `/api/projects/${projectId}/secrets`, token: owner.token }))
      .json<ProjectSecret[]>()
      .map((secret) => secret.name)
      .sort();

  beforeAll(async () => {
    server = await startTestServer(await testDatabaseKinds()[0]!.open());
    owner = await server.userWithToken('import-owner@example.com');
    writer = await server.userWithToken('import-writer@example.com');
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: 'Importer', templateId: 'node-express' },
    });
    projectId = created.json<{ id: string }>().id;
    await server.request({
      method: 'POST',
      url: `/api/projects/${projectId}/members`,
      token: owner.token,
      body: { email: 'import-writer@example.com', permission: 'write' },
    });
    expect((await putFile('.env', dotenv)).statusCode).toBeLessThan(300);
  });
  afterAll(async () => server?.close());

  it('previews what it found without changing anything', async () => {
    await server.request({
      method: 'PUT',
      url: `/api/projects/${projectId}/secrets/DEBUG`,
      token: owner.token,
      body: { value: 'already-here' },
    });
    const preview = await importSecrets({});
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json<ImportSecretsResult>()).toEqual({
      path: '.env',
      applied: false,
      variables: [
        { name: 'STRIPE_KEY', line: 2, exists: false, selected: true },
        { name: 'DATABASE_URL', line: 4, exists: false, selected: true },
        { name: 'PRIVATE_KEY', line: 5, exists: false, selected: true },
        { name: 'DEBUG', line: 9, exists: true, selected: true },
      ],
      skipped: [
        { line: 8, reason: 'lower_case is not a secret name (upper-case letters, digits and underscores)' },
      ],
      imported: [],
    });
    expect(await readFile('.env')).toBe(dotenv);
    expect(await names()).toEqual(['DEBUG']);
    for (const value of [stripe, database, pem]) expect(preview.body).not.toContain(value);
  });

  it('is for project admins only, and names must be in the file', async () => {
    expect((await importSecrets({ confirm: true }, writer.token)).statusCode).toBe(403);
    const missing = await importSecrets({ names: ['NOT_THERE'], confirm: true });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
    expect((await importSecrets({ path: 'missing.env' })).statusCode).toBe(404);
    expect((await importSecrets({ path: '../outside/.env' })).statusCode).toBeGreaterThanOrEqual(400);
    expect(await readFile('.env')).toBe(dotenv);
  });

  it('moves the chosen values into secrets and rewrites the file without their lines', async () => {
    const imported = await importSecrets({ names: ['STRIPE_KEY', 'PRIVATE_KEY'], confirm: true });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json<ImportSecretsResult>()).toMatchObject({
      applied: true,
      imported: ['STRIPE_KEY', 'PRIVATE_KEY'],
    });
    expect(await readFile('.env')).toBe(
      [
        '# Service keys',
        '',
        `DATABASE_URL="${database}"`,
        'lower_case=kept-in-the-file',
        'DEBUG=true',
        '# trailing comment',
        '',
      ].join('\r\n'),
    );
    expect(await server.secrets.projectEnvironment(projectId)).toMatchObject({
      STRIPE_KEY: stripe,
      PRIVATE_KEY: pem,
    });
  });

  it('imports everything left by default, replacing existing secrets, and audits it by name', async () => {
    const imported = await importSecrets({ confirm: true });
    expect(imported.json<ImportSecretsResult>().imported).toEqual(['DATABASE_URL', 'DEBUG']);
    expect(await readFile('.env')).toBe(
      ['# Service keys', '', 'lower_case=kept-in-the-file', '# trailing comment', ''].join('\r\n'),
    );
    expect(await server.secrets.projectEnvironment(projectId)).toEqual({
      STRIPE_KEY: stripe,
      PRIVATE_KEY: pem,
      DATABASE_URL: database,
      DEBUG: 'true',
    });
    expect(await names()).toEqual(['DATABASE_URL', 'DEBUG', 'PRIVATE_KEY', 'STRIPE_KEY']);

    const { rows } = await sql<{ action: string; detail: Record<string, unknown> }>`
      select action, detail from audit_log where project_id = ${projectId} and action like 'secret.%'
      order by at, id`.execute(server.database.db);
    expect(rows.filter((row) => row.action === 'secret.imported').map((row) => row.detail)).toEqual([
      { path: '.env', names: ['STRIPE_KEY', 'PRIVATE_KEY'], removedLines: 4 },
      { path: '.env', names: ['DATABASE_URL', 'DEBUG'], removedLines: 2 },
    ]);
    expect(rows.filter((row) => row.action === 'secret.set')).toHaveLength(5);
    const text = JSON.stringify(rows);
    for (const value of [stripe, database, pem]) expect(text).not.toContain(value);
  });
});
