import type { ColumnType, Generated, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { SharedDb } from '../../platform/db/openDatabase.js';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'user';
  password_hash: string;
  disabled_at: Date | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  user_agent: string | null;
  ip: string | null;
  created_at: CreatedAt;
  last_seen_at: Generated<Date>;
  expires_at: Date;
  revoked_at: Date | null;
}

interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  token_hash: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

interface InvitesTable {
  id: string;
  email: string;
  token_hash: string;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}

interface SettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: Generated<Date>;
}

// A type alias, not an interface: Kysely's withTables needs the implicit index signature.
export type AuthTables = {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  invites: InvitesTable;
  settings: SettingsTable;
};

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;

export interface CredentialOwner {
  credentialId: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  user: UserRow;
}

interface CredentialColumns {
  credential_id: string;
  credential_expires_at: Date | null;
  credential_last_used_at: Date | null;
}

function toCredentialOwner({
  credential_id,
  credential_expires_at,
  credential_last_used_at,
  ...user
}: UserRow & CredentialColumns): CredentialOwner {
  return {
    credentialId: credential_id,
    expiresAt: credential_expires_at,
    lastUsedAt: credential_last_used_at,
    user,
  };
}

/** Persistence for accounts and credentials. Secrets arrive here already hashed. */
export class AuthStore {
  private readonly db;

  constructor(shared: SharedDb) {
    this.db = shared.withTables<AuthTables>();
  }

  findUserByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  findUserById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  firstAdmin(): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null)
      .orderBy('created_at', 'asc')
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * Inserts a user, deciding the role inside one transaction under an advisory lock so that two sign-ups
   * racing on an empty instance cannot both become admin. Returns undefined when the email is taken.
   */
  async insertUser(
    user: Omit<UserRow, 'role' | 'created_at' | 'updated_at' | 'disabled_at'>,
  ): Promise<UserRow | undefined> {
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('vaporform.users.insert'))`.execute(trx);
      const taken = await trx
        .selectFrom('users')
        .select('id')
        .where('email', '=', user.email)
        .executeTakeFirst();
      if (taken) return undefined;
      const existing = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
      return trx
        .insertInto('users')
        .values({ ...user, role: existing ? 'user' : 'admin', disabled_at: null })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select(sql<number>`count(*)::int`.as('count'))
      .executeTakeFirstOrThrow();
    return row.count;
  }

  async updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: new Date() })
      .where('id', '=', userId)
      .execute();
  }

  async insertSession(
    session: Omit<SessionRow, 'created_at' | 'last_seen_at' | 'revoked_at'>,
  ): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ ...session, revoked_at: null })
      .execute();
  }

  async findSessionOwner(tokenHash: string, now: Date): Promise<CredentialOwner | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.id as credential_id', 'sessions.expires_at as credential_expires_at'])
      .select('sessions.last_seen_at as credential_last_used_at')
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.revoked_at', 'is', null)
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
    return row && toCredentialOwner(row);
  }

  /** Whether a session or API token still lets its (enabled) user in. */
  async credentialActive(via: 'session' | 'token', id: string, now: Date): Promise<boolean> {
    const table = via === 'session' ? 'sessions' : 'api_tokens';
    const row = await this.db
      .selectFrom(table)
      .innerJoin('users', 'users.id', `${table}.user_id`)
      .select(`${table}.id`)
      .where(`${table}.id`, '=', id)
      .where(`${table}.revoked_at`, 'is', null)
      .where((eb) => eb.or([eb(`${table}.expires_at`, 'is', null), eb(`${table}.expires_at`, '>', now)]))
      .where('users.disabled_at', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  async touchSession(sessionId: string, now: Date): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', sessionId).execute();
  }

  listActiveSessions(userId: string, now: Date): Promise<SessionRow[]> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('last_seen_at', 'desc')
      .execute();
  }

  /** Revokes the matching live sessions and returns their token hashes, so caches can forget them. */
  async revokeSessions(filter: {
    userId: string;
    sessionId?: string;
    exceptSessionId?: string;
  }): Promise<string[]> {
    let query = this.db
      .updateTable('sessions')
      .set({ revoked_at: new Date() })
      .where('user_id', '=', filter.userId)
      .where('revoked_at', 'is', null);
    if (filter.sessionId) query = query.where('id', '=', filter.sessionId);
    if (filter.exceptSessionId) query = query.where('id', '!=', filter.exceptSessionId);
    const rows = await query.returning('token_hash').execute();
    return rows.map((row) => row.token_hash);
  }

  async insertApiToken(
    token: Omit<ApiTokenRow, 'created_at' | 'last_used_at' | 'revoked_at'>,
  ): Promise<ApiTokenRow> {
    return this.db
      .insertInto('api_tokens')
      .values({ ...token, last_used_at: null, revoked_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findApiTokenOwner(tokenHash: string, now: Date): Promise<CredentialOwner | undefined> {
    const row = await this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('users')
      .select(['api_tokens.id as credential_id', 'api_tokens.expires_at as credential_expires_at'])
      .select('api_tokens.last_used_at as credential_last_used_at')
      .where('api_tokens.token_hash', '=', tokenHash)
      .where('api_tokens.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', now)]))
      .executeTakeFirst();
    return row && toCredentialOwner(row);
  }

  async touchApiToken(tokenId: string, now: Date): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', tokenId).execute();
  }

  listApiTokens(userId: string): Promise<ApiTokenRow[]> {
    return this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** Returns the revoked token's hash, or undefined when the user has no such live token. */
  async revokeApiToken(userId: string, tokenId: string): Promise<string | undefined> {
    const row = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('id', '=', tokenId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .returning('token_hash')
      .executeTakeFirst();
    return row?.token_hash;
  }

  async insertInvite(invite: {
    id: string;
    email: string;
    tokenHash: string;
    createdBy: string;
    expiresAt: Date;
  }) {
    await this.db
      .insertInto('invites')
      .values({
        id: invite.id,
        email: invite.email,
        token_hash: invite.tokenHash,
        created_by: invite.createdBy,
        expires_at: invite.expiresAt,
        used_at: null,
      })
      .execute();
  }

  /** Marks a matching, unexpired, unused invite as used; true when one was. */
  async consumeInvite(email: string, tokenHash: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('invites')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('email', '=', email)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async getSetting(key: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  async putSetting(key: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    await this.db
      .insertInto('settings')
      .values({ key, value: json })
      .onConflict((conflict) => conflict.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
      .execute();
  }
}
