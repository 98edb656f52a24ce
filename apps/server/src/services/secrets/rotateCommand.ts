import path from 'node:path';
import { AuditLog } from '../../platform/audit/AuditLog.js';
import type { Config } from '../../platform/config/config.js';
import { EnvelopeCipher } from '../../platform/crypto/EnvelopeCipher.js';
import { loadKeyring } from '../../platform/crypto/loadKeyring.js';
import { migrateToLatest } from '../../platform/db/migrate.js';
import { openDatabase, type Database } from '../../platform/db/openDatabase.js';
import { InProcessEventBus } from '../../platform/events/InProcessEventBus.js';
import { SecretsService, type RotationCounts } from './service.js';
import { SecretStore } from './store.js';

export interface RotateCommandOptions {
  config: Config;
  migrationsDir: string;
  /** Tests pass an open database; otherwise the configured one is opened and closed again. */
  database?: Database;
  print: (line: string) => void;
}

function summary(scope: string, counts: RotationCounts): string {
  return (
    `${scope} secrets: ${counts.rewrapped} re-wrapped, ${counts.alreadyCurrent} already current, ` +
    `${counts.changedMeanwhile} rewritten meanwhile, ${counts.failed.length} failed`
  );
}

/**
 * `npm run secrets:rotate`: re-wraps every secret's data key under the first key of the list and prints
 * counts. Returns the exit code: 1 when some record could not be opened, so a script does not go on to
 * remove the old key.
 */
export async function rotateSecretsCommand(options: RotateCommandOptions): Promise<number> {
  const { config, print } = options;
  const keys = await loadKeyring({ configured: config.secretKeys, dataDir: config.dataDir });
  const database =
    options.database ??
    (await openDatabase({ databaseUrl: config.databaseUrl, pgliteDataDir: path.join(config.dataDir, 'db') }));
  try {
    await migrateToLatest(database.db, options.migrationsDir);
    const service = new SecretsService({
      store: new SecretStore(database.db),
      cipher: new EnvelopeCipher(keys.keyring),
      audit: new AuditLog(database.db),
      events: new InProcessEventBus(),
    });
    print(
      `Key list from ${keys.keyFile ?? 'VAPORFORM_SECRET_KEYS'}: ${keys.keyring.ids.join(', ')} ` +
        `(current: ${keys.keyring.current.id})`,
    );
    const report = await service.rotate();
    print(summary('project', report.project));
    print(summary('user', report.user));
    const failed = [
      ...report.project.failed.map((entry) => ({ ...entry, scope: 'project' })),
      ...report.user.failed.map((entry) => ({ ...entry, scope: 'user' })),
    ];
    for (const entry of failed)
      print(`  not re-wrapped: ${entry.scope} ${entry.ownerId} ${entry.name}: ${entry.reason}`);
    if (failed.length > 0) {
      print('Keep every key in the list until the records above are fixed or deleted.');
      return 1;
    }
    const others = keys.keyring.ids.filter((id) => id !== report.keyId);
    print(
      others.length > 0
        ? `Every secret is under key ${report.keyId}; ${others.join(', ')} may now be removed from the key list.`
        : `Every secret is under key ${report.keyId}.`,
    );
    return 0;
  } finally {
    if (!options.database) await database.close();
  }
}
