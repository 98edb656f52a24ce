import { PreferencesSchema, type Preferences } from '@vaporform/contracts';
import type { PreferencesStore } from './preferencesStore.js';

/**
 * A user's IDE settings. A record stored by an older version may not match today's schema (a key renamed,
 * a bound tightened): what still fits is kept and the rest takes its default, so a schema change never
 * locks a user out of their settings.
 */
export class PreferencesService {
  constructor(private readonly store: PreferencesStore) {}

  async get(userId: string): Promise<Preferences> {
    return readStored(await this.store.get(userId));
  }

  /** Replaces the whole record (fields the body left out already hold their defaults). */
  async put(userId: string, preferences: Preferences): Promise<Preferences> {
    await this.store.put(userId, preferences);
    return preferences;
  }
}

export function readStored(stored: unknown): Preferences {
  const whole = PreferencesSchema.safeParse(stored ?? {});
  if (whole.success) return whole.data;
  const fields = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  const kept = Object.fromEntries(
    Object.entries(PreferencesSchema.shape).map(([key, schema]) => {
      const field = schema.safeParse(fields[key]);
      return [key, field.success ? field.data : schema.parse(undefined)];
    }),
  );
  return PreferencesSchema.parse(kept);
}
