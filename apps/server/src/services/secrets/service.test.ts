import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../platform/audit/AuditLog.js';
import { loadConfig } from '../../platform/config/config.js';
import { EnvelopeCipher } from '../../platform/crypto/EnvelopeCipher.js';
import { SecretKeyring, type KeyEncryptionKey } from '../../platform/crypto/SecretKeyring.js';
import type { Database } from '../../platform/db/openDatabase.js';
import { AppError } from '../../platform/errors/AppError.js';
import { InProcessEventBus } from '../../platform/events/InProcessEventBus.js';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { migrationsDir } from '../../testing/testPaths.js';
import { rotateSecretsCommand } from './rotateCommand.js';
import { SecretsService } from './service.js';
import { SecretStore } from './store.js';

const newKey = (id: string): KeyEncryptionKey => ({ id, key: randomBytes(32) });
const keyList = (...keys: KeyEncryptionKey[]) =>
  keys.map((key) => `${key.id}:${key.key.toString('base64')}`).join(',');

interface RawRow {
  id: string;
  name: string;
  version: number;
  key_id: string;
  ciphertext: Uint8Array;
  wrapped_key: Uint8Array;
}

describe.each(testDatabaseKinds())('SecretsService on $kind', ({ skipReason, open }) => {
  let database: Database;
  const keyA = newKey('key-a');
  const keyB = newKey('key-b');
  const actor = { userId: randomUUID(), name: 'Ada' };
  const otherUser = { userId: randomUUID(), name: 'Bob' };
  const serviceWith = (...keys: KeyEncryptionKey[]) =>
    new SecretsService({
      store: new SecretStore(database.db),
      cipher: new EnvelopeCipher(new SecretKeyring(keys)),
      audit: new AuditLog(database.db),
      events: new InProcessEventBus(),
    });

  async function newProject(): Promise<string> {
    const id = randomUUID();
    await sql`insert into projects (id, slug, name, template_id, owner_id)
              values (${id}, ${`p-${id.slice(0, 8)}`}, 'P', 'node-express', ${actor.userId})`.execute(
      database.db,
    );
    return id;
  }

  const rows = async (table: 'project_secrets' | 'user_secrets') =>
    (await sql<RawRow>`select * from ${sql.table(table)} order by id`.execute(database.db)).rows;

  const failure = async (promise: Promise<unknown>): Promise<AppError> => {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  };

  beforeAll(async () => {
    if (skipReason) return;
    database = await open();
    for (const user of [actor, otherUser]) {
      await sql`insert into users (id, email, name, role, password_hash)
                values (${user.userId}, ${`${user.userId}@example.com`}, ${user.name}, 'user', 'x')`.execute(
        database.db,
      );
    }
  });
  afterAll(async () => database?.close());

  it.skipIf(skipReason)('keeps no plaintext value in any row, column or audit entry', async () => {
    const service = serviceWith(keyA);
    const projectId = await newProject();
    const values = [`pg-secret-${randomUUID()}`, `ünïcode-secret-${randomUUID()}`];
    await service.putProject(actor, projectId, 'DATABASE_URL', { value: values[0]! });
    await service.putProject(actor, projectId, 'DATABASE_URL', {
      value: values[1]!,
      environment: 'production',
    });
    const userValue = `sk-ant-${randomUUID()}`;
    await service.putUser(actor, 'ANTHROPIC_API_KEY', userValue);

    // Every row as PostgreSQL prints it (bytea as hex), and the raw bytes of every column.
    const dump = (
      await sql<{ row: string }>`
        select t::text as row from project_secrets t
        union all select t::text from user_secrets t
        union all select t::text from audit_log t`.execute(database.db)
    ).rows
      .map((row) => row.row)
      .join('\n');
    expect(dump).toContain('DATABASE_URL');
    const raw = [...(await rows('project_secrets')), ...(await rows('user_secrets'))].flatMap((row) => [
      Buffer.from(row.ciphertext),
      Buffer.from(row.wrapped_key),
    ]);
    for (const value of [...values, userValue]) {
      const bytes = Buffer.from(value);
      expect(dump).not.toContain(value);
      expect(dump).not.toContain(bytes.toString('hex'));
      expect(raw.some((blob) => blob.includes(bytes))).toBe(false);
    }
    expect(await service.projectEnvironment(projectId, 'production')).toEqual({ DATABASE_URL: values[1] });
    expect(await service.userSecret(actor.userId, 'ANTHROPIC_API_KEY')).toBe(userValue);
  });

  it.skipIf(skipReason)('refuses a ciphertext moved to another name or another project', async () => {
    const service = serviceWith(keyA);
    const [first, second] = [await newProject(), await newProject()];
    await service.putProject(actor, first, 'STRIPE_KEY', { value: 'sk_live_first' });
    await service.putProject(actor, first, 'OTHER_KEY', { value: 'other' });
    await service.putProject(actor, second, 'STRIPE_KEY', { value: 'sk_live_second' });
    const copy = async (toProject: string, toName: string) =>
      sql`
      update project_secrets target
         set ciphertext = source.ciphertext, wrapped_key = source.wrapped_key, key_id = source.key_id
        from project_secrets source
       where source.project_id = ${first} and source.name = 'STRIPE_KEY'
         and target.project_id = ${toProject} and target.name = ${toName}`.execute(database.db);

    await copy(first, 'OTHER_KEY');
    const movedName = await failure(service.projectEnvironment(first));
    expect(movedName.message).toMatch(/OTHER_KEY could not be decrypted/);
    expect(movedName.message).not.toContain('sk_live_first');

    await copy(second, 'STRIPE_KEY');
    const movedProject = await failure(service.projectEnvironment(second));
    expect(movedProject.message).toMatch(/STRIPE_KEY could not be decrypted/);
    expect(movedProject.message).not.toContain('sk_live');
  });

  it.skipIf(skipReason)('refuses a user secret moved to another user, and a bumped version', async () => {
    const service = serviceWith(keyA);
    await service.putUser(actor, 'OPENAI_API_KEY', 'sk-ada');
    await service.putUser(otherUser, 'OPENAI_API_KEY', 'sk-bob');
    await sql`
      update user_secrets target
         set ciphertext = source.ciphertext, wrapped_key = source.wrapped_key
        from user_secrets source
       where source.user_id = ${actor.userId} and source.name = 'OPENAI_API_KEY'
         and target.user_id = ${otherUser.userId} and target.name = 'OPENAI_API_KEY'`.execute(database.db);
    await failure(service.userSecret(otherUser.userId, 'OPENAI_API_KEY'));
    expect(await service.userSecret(actor.userId, 'OPENAI_API_KEY')).toBe('sk-ada');
    await sql`update user_secrets set version = version + 1
              where user_id = ${actor.userId} and name = 'OPENAI_API_KEY'`.execute(database.db);
    await failure(service.userSecret(actor.userId, 'OPENAI_API_KEY'));
  });

  it.skipIf(skipReason)('refuses a tampered ciphertext', async () => {
    const service = serviceWith(keyA);
    const projectId = await newProject();
    await service.putProject(actor, projectId, 'TOKEN', { value: 'tamper-me' });
    const [row] = (await rows('project_secrets')).filter((entry) => entry.name === 'TOKEN');
    const tampered = Buffer.from(row!.ciphertext);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0x80;
    await sql`update project_secrets set ciphertext = ${tampered} where id = ${row!.id}`.execute(database.db);
    const error = await failure(service.projectEnvironment(projectId));
    expect(error.code).toBe('internal');
    expect(error.message).toMatch(/TOKEN could not be decrypted: its sealed data was altered/);
  });

  it.skipIf(skipReason)(
    'rotates every record to a new first key, after which the old key can go',
    async () => {
      // Rows the earlier cases broke on purpose would (rightly) fail rotation; this case starts clean.
      await sql`delete from project_secrets`.execute(database.db);
      await sql`delete from user_secrets`.execute(database.db);
      const before = serviceWith(keyA);
      const projectId = await newProject();
      const expected: Record<string, string> = {};
      for (let index = 0; index < 130; index += 1) {
        // More than one rotation batch, so the paging is exercised.
        const name = `VAR_${index}`;
        expected[name] = `value-${index}-${randomUUID()}`;
        await before.putProject(actor, projectId, name, { value: expected[name] });
      }
      await before.putUser(actor, 'ANTHROPIC_API_KEY', 'sk-rotate');
      const ciphertexts = new Map(
        (await rows('project_secrets')).map((row) => [row.id, Buffer.from(row.ciphertext)]),
      );

      const during = serviceWith(keyB, keyA);
      // Both keys open everything while the rotation has not run yet.
      expect(await during.projectEnvironment(projectId)).toEqual(expected);
      const report = await during.rotate();
      expect(report.keyId).toBe('key-b');
      expect(report.project).toEqual({ alreadyCurrent: 0, rewrapped: 130, changedMeanwhile: 0, failed: [] });
      expect(report.user).toMatchObject({ rewrapped: 1, failed: [] });

      const after = await rows('project_secrets');
      expect(new Set([...after, ...(await rows('user_secrets'))].map((row) => row.key_id))).toEqual(
        new Set(['key-b']),
      );
      for (const row of after) {
        expect(Buffer.from(row.ciphertext).equals(ciphertexts.get(row.id)!)).toBe(true);
        expect(row.version).toBe(1);
      }

      const onlyNew = serviceWith(keyB);
      expect(await onlyNew.projectEnvironment(projectId)).toEqual(expected);
      expect(await onlyNew.userSecret(actor.userId, 'ANTHROPIC_API_KEY')).toBe('sk-rotate');
      expect((await failure(serviceWith(keyA).projectEnvironment(projectId))).code).toBe('unavailable');

      const again = await onlyNew.rotate();
      expect(again.project).toMatchObject({ alreadyCurrent: 130, rewrapped: 0 });
      const audited = await sql<{ detail: unknown }>`
      select detail from audit_log where action = 'secret.rotated' order by at`.execute(database.db);
      expect(audited.rows.at(-2)?.detail).toEqual({ keyId: 'key-b', rewrapped: 131, failed: 0 });
    },
  );

  it.skipIf(skipReason)(
    'runs as a command that prints counts and fails when a record cannot be opened',
    async () => {
      const keyC = newKey('key-c');
      const lines: string[] = [];
      const command = (keys: KeyEncryptionKey[]) =>
        rotateSecretsCommand({
          config: loadConfig({
            VAPORFORM_DATA_DIR: path.join('/nonexistent', randomUUID()),
            VAPORFORM_SECRET_KEYS: keyList(...keys),
          }),
          migrationsDir,
          database,
          print: (line) => lines.push(line),
        });
      expect(await command([keyC, keyB])).toBe(0);
      expect(lines.join('\n')).toMatch(/project secrets: 130 re-wrapped, 0 already current/);
      expect(lines.join('\n')).toMatch(/key-b may now be removed/);

      const projectId = await newProject();
      await serviceWith(keyA).putProject(actor, projectId, 'ORPHAN', { value: 'needs key-a' });
      lines.length = 0;
      expect(await command([keyC])).toBe(1);
      expect(lines.join('\n')).toMatch(/ORPHAN: .*key 'key-a'/);
      expect(lines.join('\n')).not.toContain('needs key-a');
    },
  );

  it.skipIf(skipReason)('counts versions, scopes environments and keeps users apart', async () => {
    const service = serviceWith(keyA);
    const projectId = await newProject();
    const first = await service.putProject(actor, projectId, 'API_URL', { value: 'one' });
    const second = await service.putProject(actor, projectId, 'API_URL', { value: 'two' });
    expect([first.created, first.secret.version, second.created, second.secret.version]).toEqual([
      true,
      1,
      false,
      2,
    ]);
    await service.putProject(actor, projectId, 'PROD_ONLY', { value: 'p', environment: 'production' });
    expect(await service.projectEnvironment(projectId)).toEqual({ API_URL: 'two' });
    expect(await service.projectEnvironment(projectId, 'production')).toEqual({
      API_URL: 'two',
      PROD_ONLY: 'p',
    });
    expect(await service.listProject(projectId)).toEqual([
      expect.objectContaining({
        name: 'API_URL',
        version: 2,
        environment: null,
        updatedBy: { id: actor.userId, name: 'Ada' },
      }),
      expect.objectContaining({ name: 'PROD_ONLY', version: 1, environment: 'production' }),
    ]);

    await service.putUser(actor, 'ONLY_ADA', 'mine');
    expect(await service.userSecret(otherUser.userId, 'ONLY_ADA')).toBeNull();
    expect((await service.listUser(otherUser.userId)).map((secret) => secret.name)).not.toContain('ONLY_ADA');
    expect((await failure(service.deleteUser(otherUser, 'ONLY_ADA'))).code).toBe('not_found');
    expect(await service.userSecret(actor.userId, 'ONLY_ADA')).toBe('mine');
  });

  it.skipIf(skipReason)('gives concurrent writers of one name distinct versions', async () => {
    const service = serviceWith(keyA);
    const projectId = await newProject();
    const values = ['a', 'b', 'c', 'd'];
    const results = await Promise.all(
      values.map((value) => service.putProject(actor, projectId, 'RACED', { value })),
    );
    expect(results.map((result) => result.secret.version).sort()).toEqual([1, 2, 3, 4]);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    // The value stored is the one whose write got the last version.
    const last = results.findIndex((result) => result.secret.version === 4);
    expect((await service.projectEnvironment(projectId)).RACED).toBe(values[last]);
  });

  it.skipIf(skipReason)('caps how many secrets a project holds', async () => {
    const service = new SecretsService({
      store: new SecretStore(database.db),
      cipher: new EnvelopeCipher(new SecretKeyring([keyA])),
      audit: new AuditLog(database.db),
      events: new InProcessEventBus(),
      limits: { perProject: 2 },
    });
    const projectId = await newProject();
    await service.putProject(actor, projectId, 'ONE', { value: '1' });
    await service.putProject(actor, projectId, 'TWO', { value: '2' });
    const refused = await failure(service.putProject(actor, projectId, 'THREE', { value: '3' }));
    expect(refused.message).toMatch(/at most 2 secrets/);
    // Replacing an existing one is still allowed at the cap.
    expect((await service.putProject(actor, projectId, 'TWO', { value: '22' })).secret.version).toBe(2);
  });
});
