import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { migrationsDir } from '../../testing/testPaths.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './openDatabase.js';

type Tables = { settings: { key: string; value: string; updated_at: Date } };

describe.each(testDatabaseKinds())('database on $kind', ({ skipReason, open }) => {
  let database: Database;

  beforeAll(async () => {
    if (!skipReason) database = await open();
  });
  afterAll(async () => database?.close());

  it.skipIf(skipReason)('re-running the migrations applies nothing', async () => {
    expect(await migrateToLatest(database.db, migrationsDir)).toEqual([]);
  });

  it.skipIf(skipReason)('reports affected rows truthfully', async () => {
    const db = database.db.withTables<Tables>();
    await db
      .insertInto('settings')
      .values([
        { key: 'a', value: '1', updated_at: new Date() },
        { key: 'b', value: '2', updated_at: new Date() },
      ])
      .execute();
    const updated = await db
      .updateTable('settings')
      .set({ value: '3' })
      .where('key', 'in', ['a', 'b'])
      .executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(2n);
    const none = await db.deleteFrom('settings').where('key', '=', 'missing').executeTakeFirst();
    expect(none.numDeletedRows).toBe(0n);
  });

  it.skipIf(skipReason)('rolls a failed transaction back entirely', async () => {
    const db = database.db.withTables<Tables>();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('settings')
          .values({ key: 'half', value: '1', updated_at: new Date() })
          .execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.selectFrom('settings').where('key', '=', 'half').selectAll().execute()).toEqual([]);
  });

  it.skipIf(skipReason)('does not let other queries see inside a running transaction', async () => {
    const db = database.db.withTables<Tables>();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const transaction = db.transaction().execute(async (trx) => {
      await trx
        .insertInto('settings')
        .values({ key: 'pending', value: '1', updated_at: new Date() })
        .execute();
      await gate;
    });
    const outside = db.selectFrom('settings').where('key', '=', 'pending').selectAll().execute();
    // On PostgreSQL the outside read runs now and sees nothing; on PGlite it waits for the commit.
    setTimeout(release, 50);
    await transaction;
    const rows = await outside;
    expect(rows.length === 0 || database.kind === 'pglite').toBe(true);
    expect(await db.selectFrom('settings').where('key', '=', 'pending').selectAll().execute()).toHaveLength(
      1,
    );
  });

  it.skipIf(skipReason)('answers ping', async () => {
    await expect(database.ping()).resolves.toBeUndefined();
    const { rows } = await sql<{ n: number }>`select 1 as n`.execute(database.db);
    expect(rows[0]?.n).toBe(1);
  });
});
