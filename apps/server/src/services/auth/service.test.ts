import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheManager } from '../../platform/cache/CacheManager.js';
import { MemoryCache } from '../../platform/cache/MemoryCache.js';
import type { Database } from '../../platform/db/openDatabase.js';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { LoginLimiter } from './loginLimiter.js';
import { PasswordHasher } from './passwordHasher.js';
import { AuthService } from './service.js';
import { AuthStore } from './store.js';

const [pglite] = testDatabaseKinds();
const client = { ip: '127.0.0.1', userAgent: 'vitest' };

describe('AuthService', () => {
  let database: Database;
  let store: AuthStore;

  beforeAll(async () => {
    database = await pglite!.open();
    store = new AuthStore(database.db);
  });
  afterAll(async () => database?.close());

  function service(hasher: PasswordHasher) {
    return new AuthService({
      store,
      hasher,
      limiter: new LoginLimiter(),
      cache: new CacheManager({ memory: new MemoryCache() }),
      sessionDays: 30,
      initialSignupMode: 'open',
    });
  }

  it('upgrades a hash made with old parameters on the next login', async () => {
    const old = new PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    const { user } = await service(old).signup(
      { email: 'upgrade@example.com', password: 'a long password', name: 'U' },
      client,
    );
    expect((await store.findUserById(user.id))?.password_hash).toMatch(/m=1024,t=1/);
    await service(new PasswordHasher()).login(
      { email: 'upgrade@example.com', password: 'a long password' },
      client,
    );
    expect((await store.findUserById(user.id))?.password_hash).toMatch(/m=19456,t=2,p=1/);
  });

  it('stores only hashes of session secrets and API tokens', async () => {
    const auth = service(new PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }));
    const session = await auth.signup(
      { email: 'hashes@example.com', password: 'a long password', name: 'H' },
      client,
    );
    const principal = await auth.authenticate({
      sessionToken: session.sessionToken,
      bearerToken: undefined,
      ...client,
    });
    expect(principal.kind).toBe('authenticated');
    if (principal.kind !== 'authenticated') return;
    const { token } = await auth.createApiToken(principal.principal, { name: 't' });
    const dump = JSON.stringify(
      await database.db
        .withTables<{ sessions: { token_hash: string }; api_tokens: { token_hash: string } }>()
        .selectFrom('sessions')
        .select('token_hash')
        .unionAll((db) => db.selectFrom('api_tokens').select('token_hash'))
        .execute(),
    );
    expect(dump).not.toContain(session.sessionToken);
    expect(dump).not.toContain(token);
  });
});
