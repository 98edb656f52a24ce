import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/openDatabase.js';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { AuthStore } from './store.js';

describe.each(testDatabaseKinds())('AuthStore on $kind', ({ skipReason, open }) => {
  let database: Database;
  let store: AuthStore;

  beforeAll(async () => {
    if (skipReason) return;
    database = await open();
    store = new AuthStore(database.db);
  });
  afterAll(async () => database?.close());

  it.skipIf(skipReason)('makes exactly one admin when sign-ups race on an empty instance', async () => {
    const rows = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        store.insertUser({
          id: randomUUID(),
          email: `racer${index}@example.com`,
          name: 'R',
          password_hash: 'x',
        }),
      ),
    );
    expect(rows.filter((row) => row?.role === 'admin')).toHaveLength(1);
    expect(await store.countUsers()).toBe(8);
  });

  it.skipIf(skipReason)('refuses a second account with the same email', async () => {
    const first = await store.insertUser({
      id: randomUUID(),
      email: 'dup@example.com',
      name: 'A',
      password_hash: 'x',
    });
    const second = await store.insertUser({
      id: randomUUID(),
      email: 'dup@example.com',
      name: 'B',
      password_hash: 'x',
    });
    expect(first).toBeDefined();
    expect(second).toBeUndefined();
  });

  it.skipIf(skipReason)('finds a session by hash only while it is live', async () => {
    const user = await store.insertUser({
      id: randomUUID(),
      email: 'sess@example.com',
      name: 'S',
      password_hash: 'x',
    });
    const id = randomUUID();
    const now = new Date();
    await store.insertSession({
      id,
      user_id: user!.id,
      token_hash: 'hash-1',
      user_agent: null,
      ip: null,
      expires_at: new Date(now.getTime() + 60_000),
    });
    expect((await store.findSessionOwner('hash-1', now))?.user.email).toBe('sess@example.com');
    expect(await store.findSessionOwner('hash-1', new Date(now.getTime() + 120_000))).toBeUndefined();
    expect(await store.revokeSessions({ userId: user!.id, sessionId: id })).toEqual(['hash-1']);
    expect(await store.findSessionOwner('hash-1', now)).toBeUndefined();
  });

  it.skipIf(skipReason)('stores settings as JSON and overwrites them', async () => {
    await store.putSetting('auth.signup_mode', 'invite');
    await store.putSetting('auth.signup_mode', 'closed');
    expect(await store.getSetting('auth.signup_mode')).toBe('closed');
    expect(await store.getSetting('missing')).toBeUndefined();
  });
});
