import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../platform/audit/AuditLog.js';
import { EnvelopeCipher } from '../../platform/crypto/EnvelopeCipher.js';
import { SecretKeyring } from '../../platform/crypto/SecretKeyring.js';
import type { Database } from '../../platform/db/openDatabase.js';
import { InProcessEventBus } from '../../platform/events/InProcessEventBus.js';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { SecretsService } from './service.js';
import { SecretStore } from './store.js';

const [pglite] = testDatabaseKinds();

describe('SecretsService.masker', () => {
  let database: Database;
  const actor = { userId: randomUUID(), name: 'Ada' };

  beforeAll(async () => {
    database = await pglite!.open();
    await sql`insert into users (id, email, name, role, password_hash)
              values (${actor.userId}, ${`${actor.userId}@example.com`}, 'Ada', 'user', 'x')`.execute(
      database.db,
    );
  });
  afterAll(async () => database?.close());

  // One key list for every service here, as replicas share theirs.
  const keyring = new SecretKeyring([{ id: 'k1', key: randomBytes(32) }]);
  const serviceOn = (events: InProcessEventBus) =>
    new SecretsService({
      store: new SecretStore(database.db),
      cipher: new EnvelopeCipher(keyring),
      audit: new AuditLog(database.db),
      events,
    });

  async function setup() {
    const projectId = randomUUID();
    await sql`insert into projects (id, slug, name, template_id, owner_id)
              values (${projectId}, ${`p-${projectId.slice(0, 8)}`}, 'P', 'node-express', ${actor.userId})`.execute(
      database.db,
    );
    const events = new InProcessEventBus();
    return { projectId, events, service: serviceOn(events) };
  }

  it('masks every environment, is cached, and follows changes', async () => {
    const { projectId, service } = await setup();
    expect((await service.masker(projectId))('nothing')).toBe('nothing');
    await service.putProject(actor, projectId, 'API_TOKEN', { value: 'tok-aaaa-1111' });
    await service.putProject(actor, projectId, 'PROD_ONLY', {
      value: 'prod-bbbb',
      environment: 'production',
    });
    const mask = await service.masker(projectId);
    expect(mask('tok-aaaa-1111 prod-bbbb')).toBe('[secret:API_TOKEN] [secret:PROD_ONLY]');
    expect(service.masker(projectId)).toBe(service.masker(projectId));

    await service.putProject(actor, projectId, 'API_TOKEN', { value: 'tok-cccc-2222' });
    expect((await service.masker(projectId))('tok-cccc-2222')).toBe('[secret:API_TOKEN]');
    await service.deleteProject(actor, projectId, 'PROD_ONLY');
    expect((await service.masker(projectId))('prod-bbbb')).toBe('prod-bbbb');
    service.dispose();
  });

  it('forgets a mask when another replica announces a change', async () => {
    const { projectId, events, service } = await setup();
    // Another replica: the same database and keys, a bus of its own.
    const replica = serviceOn(new InProcessEventBus());
    expect((await service.masker(projectId))('val-dddd')).toBe('val-dddd');
    await replica.putProject(actor, projectId, 'FROM_REPLICA', { value: 'val-dddd' });
    // Still the cached mask until the bus says otherwise.
    expect((await service.masker(projectId))('val-dddd')).toBe('val-dddd');
    await events.publish('secrets.changed', { projectId });
    expect((await service.masker(projectId))('val-dddd')).toBe('[secret:FROM_REPLICA]');
    service.dispose();
    replica.dispose();
  });
});
