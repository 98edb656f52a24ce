import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { pgliteDialect } from './pgliteDialect.js';

/**
 * The shared handle every store receives. Stores add their own table types with `db.withTables<T>()`, so
 * each service sees only the tables it owns.
 */
export type SharedDb = Kysely<object>;

export interface Database {
  db: SharedDb;
  kind: 'postgres' | 'pglite';
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A postgres:// URL selects a real server; otherwise PGlite runs embedded. */
  databaseUrl?: string | undefined;
  /** PGlite's data directory; `memory://` keeps it in memory. */
  pgliteDataDir?: string;
  /** A PGlite data-dir tarball (from `dumpDataDir`) to start from instead of running initdb. */
  pgliteSnapshot?: Blob;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  // Each backend's driver is loaded only when chosen: start-up should not pay for the one it does not use.
  if (options.databaseUrl) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client losing its server must not crash the process; the next query reports the failure.
    pool.on('error', () => undefined);
    const db = new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: () => db.destroy(),
    };
  }
  const dataDir = options.pgliteDataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) await mkdir(path.dirname(dataDir), { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create(
    dataDir,
    options.pgliteSnapshot ? { loadDataDir: options.pgliteSnapshot } : {},
  );
  const db = new Kysely<object>({ dialect: pgliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}
