import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../platform/db/openDatabase.js';
import { adminUrl, databaseUrl, testRunPrefix } from './testPaths.js';

export interface TestDatabaseKind {
  kind: 'pglite' | 'postgres';
  /** Why this backend's suites are skipped (never in CI, where global setup fails instead). */
  skipReason: string | null;
  /** A fresh, migrated database of its own; `close()` also drops it. */
  open(): Promise<Database>;
}

async function openPglite(): Promise<Database> {
  const snapshot = new Blob([await readFile(inject('pgliteSnapshotPath'))]);
  return openDatabase({ pgliteDataDir: 'memory://', pgliteSnapshot: snapshot });
}

async function openPostgres(): Promise<Database> {
  const template = inject('postgresTemplate');
  if (!template) throw new Error('PostgreSQL is not available for this run');
  const name = `${testRunPrefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ databaseUrl: databaseUrl(name), poolSize: 4 });
  return {
    ...database,
    close: async () => {
      await database.close();
      const dropper = new pg.Client({ connectionString: adminUrl() });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** Both backends, for `describe.each`: the same suite runs on embedded PGlite and on real PostgreSQL. */
export function testDatabaseKinds(): TestDatabaseKind[] {
  return [
    { kind: 'pglite', skipReason: null, open: openPglite },
    { kind: 'postgres', skipReason: inject('postgresUnavailableReason'), open: openPostgres },
  ];
}
