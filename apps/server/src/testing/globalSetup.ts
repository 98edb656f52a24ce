import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../platform/db/migrate.js';
import { openDatabase } from '../platform/db/openDatabase.js';
import { pgliteDialect } from '../platform/db/pgliteDialect.js';
import { adminUrl, databaseUrl, migrationsDir, testRunPrefix } from './testPaths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data dir tarball: loading it skips initdb (~4 s and ~0.75 GB per instance). */
    pgliteSnapshotPath: string;
    /** A migrated PostgreSQL database to clone with CREATE DATABASE … TEMPLATE, or null when absent. */
    postgresTemplate: string | null;
    postgresUnavailableReason: string | null;
  }
}

async function preparePglite(directory: string): Promise<string> {
  const pglite = await PGlite.create('memory://');
  const db = new Kysely<object>({ dialect: pgliteDialect(pglite) });
  try {
    await migrateToLatest(db, migrationsDir);
    const snapshot = await pglite.dumpDataDir('none');
    const snapshotPath = path.join(directory, 'pglite-migrated.tar');
    await writeFile(snapshotPath, Buffer.from(await snapshot.arrayBuffer()));
    return snapshotPath;
  } finally {
    await db.destroy();
    await pglite.close();
  }
}

async function preparePostgres(): Promise<{ template: string | null; reason: string | null }> {
  const client = new pg.Client({ connectionString: adminUrl() });
  try {
    await client.connect();
  } catch (error) {
    const reason = `PostgreSQL is not reachable at ${adminUrl()}: ${(error as Error).message}`;
    // CI must exercise the real server; skipping there would hide a whole backend.
    if (process.env.CI) throw new Error(`${reason}. CI requires it.`);
    return { template: null, reason };
  }
  const template = `${testRunPrefix}_template`;
  try {
    await client.query(`create database "${template}"`);
  } finally {
    await client.end();
  }
  const database = await openDatabase({ databaseUrl: databaseUrl(template), poolSize: 1 });
  try {
    await migrateToLatest(database.db, migrationsDir);
  } finally {
    await database.close();
  }
  return { template, reason: null };
}

async function dropRunDatabases(): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  try {
    await client.connect();
  } catch {
    return;
  }
  try {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where datname like $1',
      [`${testRunPrefix}%`],
    );
    for (const row of rows) await client.query(`drop database if exists "${row.datname}" with (force)`);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject) {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'vaporform-test-'));
  const [snapshotPath, postgres] = await Promise.all([preparePglite(directory), preparePostgres()]);
  project.provide('pgliteSnapshotPath', snapshotPath);
  project.provide('postgresTemplate', postgres.template);
  project.provide('postgresUnavailableReason', postgres.reason);
  return async () => {
    await dropRunDatabases();
    await rm(directory, { recursive: true, force: true });
  };
}
