import type { ColumnType } from 'kysely';
import type { SharedDb } from '../../platform/db/openDatabase.js';

interface UserPreferencesTable {
  user_id: string;
  /** Written as JSON text, read back parsed (jsonb). */
  preferences: ColumnType<unknown, string, string>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

// A type alias, not an interface: Kysely's withTables needs the implicit index signature.
type PreferencesTables = { user_preferences: UserPreferencesTable };

/** Persistence for each user's IDE settings (`user_preferences`, migration 0004_ide.sql). */
export class PreferencesStore {
  private readonly db;

  constructor(shared: SharedDb) {
    this.db = shared.withTables<PreferencesTables>();
  }

  /** The stored record as it was written (possibly by an older version of the schema), if any. */
  async get(userId: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('user_preferences')
      .select('preferences')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.preferences;
  }

  async put(userId: string, preferences: unknown): Promise<void> {
    const json = JSON.stringify(preferences);
    await this.db
      .insertInto('user_preferences')
      .values({ user_id: userId, preferences: json })
      .onConflict((conflict) =>
        conflict.column('user_id').doUpdateSet({ preferences: json, updated_at: new Date() }),
      )
      .execute();
  }
}
