import type { ColumnType, Generated } from 'kysely';
import type { SharedDb } from '../db/openDatabase.js';

interface AuditLogTable {
  id: Generated<string>;
  at: ColumnType<Date, Date | undefined, never>;
  actor_id: string | null;
  project_id: string | null;
  action: string;
  detail: ColumnType<unknown, string, never>;
}
type AuditTables = { audit_log: AuditLogTable };

export interface AuditEntry {
  actorId: string | null;
  projectId: string | null;
  /** `<service>.<verb>`, e.g. `agent.tool_call`, `member.removed`. */
  action: string;
  /** What the action touched; secrets are masked by the caller before it gets here. */
  detail: Record<string, unknown>;
}

/**
 * The append-only audit trail (`audit_log`, migration 0005). Every service that changes something on a
 * user's behalf records it here; the admin view (monitoring) reads it.
 */
export class AuditLog {
  private readonly db;

  constructor(shared: SharedDb) {
    this.db = shared.withTables<AuditTables>();
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        actor_id: entry.actorId,
        project_id: entry.projectId,
        action: entry.action,
        detail: JSON.stringify(entry.detail),
      })
      .execute();
  }
}
