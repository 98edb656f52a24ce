import type { PGlite } from '@electric-sql/pglite';
import { PostgresDialect } from 'kysely';

/**
 * Kysely talks to a `pg`-shaped pool. PGlite is one connection, so the "pool" hands it out to one holder at
 * a time: a transaction keeps it until release, and every other query waits its turn. (The npm dialects for
 * PGlite skip this lock and report wrong affected-row counts; see docs/adr/0002-database.md.)
 */
class PgliteConnectionLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }
}

const rowCountCommands = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

function commandOf(sql: string): string {
  const match = /^\s*(?:WITH\b[\s\S]*?\)\s*)?([A-Za-z]+)/.exec(sql);
  return (match?.[1] ?? '').toUpperCase();
}

function clientFor(pglite: PGlite, release: () => void) {
  return {
    async query(sql: string, parameters: readonly unknown[]) {
      if (parameters.length === 0) {
        // The extended protocol takes one statement; migrations and scripts send several.
        const results = await pglite.exec(sql);
        const last = results.at(-1);
        return { command: commandOf(sql), rowCount: last?.affectedRows ?? 0, rows: last?.rows ?? [] };
      }
      const result = await pglite.query(sql, [...parameters]);
      const command = commandOf(sql);
      return {
        command,
        rowCount: rowCountCommands.has(command) ? (result.affectedRows ?? 0) : result.rows.length,
        rows: result.rows,
      };
    },
    release,
  };
}

export function pgliteDialect(pglite: PGlite): PostgresDialect {
  const lock = new PgliteConnectionLock();
  const pool = {
    async connect() {
      const release = await lock.acquire();
      return clientFor(pglite, release);
    },
    async end() {
      // The owner of the PGlite instance closes it; the dialect only borrows it.
    },
  };
  return new PostgresDialect({ pool: pool as never });
}
