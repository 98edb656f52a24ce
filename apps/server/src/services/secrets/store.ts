import { randomUUID } from 'node:crypto';
import type { ColumnType } from 'kysely';
import type { SealedSecret } from '../../platform/crypto/EnvelopeCipher.js';
import type { SharedDb } from '../../platform/db/openDatabase.js';

// pg hands bytea back as a Buffer, PGlite as a Uint8Array; both take a Buffer.
type Bytes = ColumnType<Uint8Array, Buffer, Buffer>;
type Timestamp = ColumnType<Date, Date | undefined, Date>;

interface SealedColumns {
  id: string;
  name: string;
  version: number;
  ciphertext: Bytes;
  wrapped_key: Bytes;
  key_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

interface ProjectSecretsTable extends SealedColumns {
  project_id: string;
  environment: string | null;
  created_by: string | null;
  updated_by: string | null;
}

interface UserSecretsTable extends SealedColumns {
  user_id: string;
}

// A type alias, not an interface: Kysely's withTables needs the implicit index signature.
type SecretTables = {
  project_secrets: ProjectSecretsTable;
  user_secrets: UserSecretsTable;
  // Read-only here: who last changed a project secret (owned by auth).
  users: { id: string; name: string };
};

export type SecretScope = 'project' | 'user';

/** One stored secret as the cipher needs it; `ownerId` is the project id or the user id. */
export interface SealedRecord extends SealedSecret {
  id: string;
  ownerId: string;
  name: string;
  version: number;
  environment: string | null;
}

export interface ProjectSecretListing {
  name: string;
  environment: string | null;
  version: number;
  updatedAt: Date;
  updatedBy: { id: string; name: string } | null;
}

export interface UserSecretListing {
  name: string;
  version: number;
  updatedAt: Date;
}

/** What a write stores: the sealed value, its version, and for project secrets who and which environment. */
export interface SealedWrite {
  ownerId: string;
  name: string;
  version: number;
  environment: string | null;
  sealed: SealedSecret;
  /** The user making the change (project secrets record it). */
  actorId: string;
  at: Date;
}

const uniqueViolation = '23505';
const foreignKeyViolation = '23503';

export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string }).code === foreignKeyViolation;
}

interface SealedRowShape {
  id: string;
  name: string;
  version: number;
  ciphertext: Uint8Array;
  wrapped_key: Uint8Array;
  key_id: string;
}

function toRecord(row: SealedRowShape, ownerId: string, environment: string | null): SealedRecord {
  return {
    id: row.id,
    ownerId,
    name: row.name,
    version: row.version,
    environment,
    keyId: row.key_id,
    wrappedKey: Buffer.from(row.wrapped_key),
    ciphertext: Buffer.from(row.ciphertext),
  };
}

const sealedColumns = ['id', 'name', 'version', 'ciphertext', 'wrapped_key', 'key_id'] as const;

/**
 * Persistence for `project_secrets` and `user_secrets` (migration 0009). Writes are optimistic: an update
 * names the version it replaces, so two writers never both win, across replicas too, without a lock.
 */
export class SecretStore {
  private readonly db;

  constructor(shared: SharedDb) {
    this.db = shared.withTables<SecretTables>();
  }

  listProject(projectId: string): Promise<ProjectSecretListing[]> {
    return this.db
      .selectFrom('project_secrets')
      .leftJoin('users', 'users.id', 'project_secrets.updated_by')
      .select([
        'project_secrets.name',
        'project_secrets.environment',
        'project_secrets.version',
        'project_secrets.updated_at',
        'project_secrets.updated_by',
        'users.name as updater_name',
      ])
      .where('project_secrets.project_id', '=', projectId)
      .orderBy('project_secrets.name')
      .execute()
      .then((rows) =>
        rows.map((row) => ({
          name: row.name,
          environment: row.environment,
          version: row.version,
          updatedAt: row.updated_at,
          updatedBy:
            row.updated_by !== null && row.updater_name !== null
              ? { id: row.updated_by, name: row.updater_name }
              : null,
        })),
      );
  }

  listUser(userId: string): Promise<UserSecretListing[]> {
    return this.db
      .selectFrom('user_secrets')
      .select(['name', 'version', 'updated_at'])
      .where('user_id', '=', userId)
      .orderBy('name')
      .execute()
      .then((rows) =>
        rows.map((row) => ({ name: row.name, version: row.version, updatedAt: row.updated_at })),
      );
  }

  /** How many secrets one project or user holds, or all of them in the scope when no owner is given. */
  async count(scope: SecretScope, ownerId?: string): Promise<number> {
    const owned = ownerId !== undefined;
    const row =
      scope === 'project'
        ? await this.db
            .selectFrom('project_secrets')
            .$if(owned, (query) => query.where('project_id', '=', ownerId ?? ''))
            .select((eb) => eb.fn.countAll<string>().as('count'))
            .executeTakeFirstOrThrow()
        : await this.db
            .selectFrom('user_secrets')
            .$if(owned, (query) => query.where('user_id', '=', ownerId ?? ''))
            .select((eb) => eb.fn.countAll<string>().as('count'))
            .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Every sealed secret of one project or user, or just the one named. */
  async sealed(scope: SecretScope, ownerId: string, name?: string): Promise<SealedRecord[]> {
    if (scope === 'project') {
      let query = this.db
        .selectFrom('project_secrets')
        .select([...sealedColumns, 'environment'])
        .where('project_id', '=', ownerId);
      if (name !== undefined) query = query.where('name', '=', name);
      const rows = await query.orderBy('name').execute();
      return rows.map((row) => toRecord(row, ownerId, row.environment));
    }
    let query = this.db.selectFrom('user_secrets').select(sealedColumns).where('user_id', '=', ownerId);
    if (name !== undefined) query = query.where('name', '=', name);
    const rows = await query.orderBy('name').execute();
    return rows.map((row) => toRecord(row, ownerId, null));
  }

  /** False when another writer created the same name first. */
  async insert(scope: SecretScope, write: SealedWrite): Promise<boolean> {
    const common = {
      id: randomUUID(),
      name: write.name,
      version: write.version,
      ciphertext: write.sealed.ciphertext,
      wrapped_key: write.sealed.wrappedKey,
      key_id: write.sealed.keyId,
      created_at: write.at,
      updated_at: write.at,
    };
    try {
      if (scope === 'project') {
        await this.db
          .insertInto('project_secrets')
          .values({
            ...common,
            project_id: write.ownerId,
            environment: write.environment,
            created_by: write.actorId,
            updated_by: write.actorId,
          })
          .execute();
      } else {
        await this.db
          .insertInto('user_secrets')
          .values({ ...common, user_id: write.ownerId })
          .execute();
      }
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === uniqueViolation) return false;
      throw error;
    }
  }

  /** False when the stored version is no longer `replacing` (another writer got there first). */
  async update(scope: SecretScope, write: SealedWrite, replacing: number): Promise<boolean> {
    const common = {
      version: write.version,
      ciphertext: write.sealed.ciphertext,
      wrapped_key: write.sealed.wrappedKey,
      key_id: write.sealed.keyId,
      updated_at: write.at,
    };
    const result =
      scope === 'project'
        ? await this.db
            .updateTable('project_secrets')
            .set({ ...common, environment: write.environment, updated_by: write.actorId })
            .where('project_id', '=', write.ownerId)
            .where('name', '=', write.name)
            .where('version', '=', replacing)
            .executeTakeFirst()
        : await this.db
            .updateTable('user_secrets')
            .set(common)
            .where('user_id', '=', write.ownerId)
            .where('name', '=', write.name)
            .where('version', '=', replacing)
            .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** The deleted secret's version, or null when there was none. */
  async delete(scope: SecretScope, ownerId: string, name: string): Promise<number | null> {
    const row =
      scope === 'project'
        ? await this.db
            .deleteFrom('project_secrets')
            .where('project_id', '=', ownerId)
            .where('name', '=', name)
            .returning('version')
            .executeTakeFirst()
        : await this.db
            .deleteFrom('user_secrets')
            .where('user_id', '=', ownerId)
            .where('name', '=', name)
            .returning('version')
            .executeTakeFirst();
    return row?.version ?? null;
  }

  /** Up to `limit` records not wrapped by `keyId`, after `afterId` in id order (so a failing row is passed). */
  async notWrappedBy(
    scope: SecretScope,
    keyId: string,
    afterId: string | null,
    limit: number,
  ): Promise<SealedRecord[]> {
    if (scope === 'project') {
      let query = this.db
        .selectFrom('project_secrets')
        .select([...sealedColumns, 'project_id', 'environment'])
        .where('key_id', '<>', keyId);
      if (afterId !== null) query = query.where('id', '>', afterId);
      const rows = await query.orderBy('id').limit(limit).execute();
      return rows.map((row) => toRecord(row, row.project_id, row.environment));
    }
    let query = this.db
      .selectFrom('user_secrets')
      .select([...sealedColumns, 'user_id'])
      .where('key_id', '<>', keyId);
    if (afterId !== null) query = query.where('id', '>', afterId);
    const rows = await query.orderBy('id').limit(limit).execute();
    return rows.map((row) => toRecord(row, row.user_id, null));
  }

  /**
   * Swaps only the wrapped data key and its key id, and only if the record is still what was read: a value
   * written meanwhile is already under the current key and must not get an old data key back.
   */
  async rewrap(scope: SecretScope, record: SealedRecord, rewrapped: SealedSecret): Promise<boolean> {
    const set = { wrapped_key: rewrapped.wrappedKey, key_id: rewrapped.keyId };
    const result =
      scope === 'project'
        ? await this.db
            .updateTable('project_secrets')
            .set(set)
            .where('id', '=', record.id)
            .where('version', '=', record.version)
            .where('key_id', '=', record.keyId)
            .executeTakeFirst()
        : await this.db
            .updateTable('user_secrets')
            .set(set)
            .where('id', '=', record.id)
            .where('version', '=', record.version)
            .where('key_id', '=', record.keyId)
            .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
