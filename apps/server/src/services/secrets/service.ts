import type { ProjectSecret, PutProjectSecretBody, UserSecret } from '@vaporform/contracts';
import type { AuditLog } from '../../platform/audit/AuditLog.js';
import type { EnvelopeCipher, SealContext } from '../../platform/crypto/EnvelopeCipher.js';
import { AppError } from '../../platform/errors/AppError.js';
import type { EventBus } from '../../platform/events/EventBus.js';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';
import { identityMask, secretMask, type SecretMask } from './secretMask.js';
import {
  isForeignKeyViolation,
  type SealedRecord,
  type SecretScope,
  type SecretStore,
  type UserSecretListing,
} from './store.js';

/** Who is changing a secret: the signed-in user (a `Principal` fits). */
export interface SecretActor {
  userId: string;
  name: string;
}

export interface SecretsServiceOptions {
  store: SecretStore;
  cipher: EnvelopeCipher;
  audit: Pick<AuditLog, 'record'>;
  events: EventBus;
  /** Caps on how many secrets one project or one user holds (defaults 500 and 100). */
  limits?: { perProject?: number; perUser?: number };
}

export interface RotationCounts {
  /** Records already under the current key before the run. */
  alreadyCurrent: number;
  rewrapped: number;
  /** Written again while the run read them: already under the current key. */
  changedMeanwhile: number;
  /** Records that could not be opened (a missing key, altered data): named, never their values. */
  failed: { ownerId: string; name: string; reason: string }[];
}

export interface RotationReport {
  keyId: string;
  project: RotationCounts;
  user: RotationCounts;
}

const writeAttempts = 5;
const rotationBatch = 100;
/** Projects whose masks are kept (each holds that project's decrypted values). */
const cachedMasks = 1000;

function contextOf(
  scope: SecretScope,
  record: Pick<SealedRecord, 'ownerId' | 'name' | 'version' | 'environment'>,
): SealContext {
  return {
    scope,
    scopeId: record.ownerId,
    name: record.name,
    version: record.version,
    environment: record.environment,
  };
}

function toUserSecret(row: UserSecretListing): UserSecret {
  return { name: row.name, version: row.version, updatedAt: row.updatedAt.toISOString() };
}

/**
 * Project and user secrets, sealed with envelope encryption. Values are write-only over HTTP: routes list
 * names and metadata, and only the server-internal readers (`projectEnvironment`, `userSecret`) decrypt.
 * Every change is audited by name and version, never by value.
 */
export class SecretsService implements Disposable {
  private readonly perProject: number;
  private readonly perUser: number;
  readonly #masks = new Map<string, Promise<SecretMask>>();
  readonly #subscription: Disposable;

  constructor(private readonly options: SecretsServiceOptions) {
    this.perProject = options.limits?.perProject ?? 500;
    this.perUser = options.limits?.perUser ?? 100;
    // Through the bus rather than only on our own writes: another replica may have changed them.
    this.#subscription = options.events.subscribe('secrets.changed', ({ projectId }) => {
      this.#masks.delete(projectId);
    });
  }

  dispose(): void {
    void this.#subscription.dispose();
    this.#masks.clear();
  }

  async listProject(projectId: string): Promise<ProjectSecret[]> {
    const rows = await this.options.store.listProject(projectId);
    return rows.map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() }));
  }

  /** Sets (creates or replaces) a project secret; an absent environment means every environment. */
  async putProject(
    actor: SecretActor,
    projectId: string,
    name: string,
    body: PutProjectSecretBody,
  ): Promise<{ secret: ProjectSecret; created: boolean }> {
    const environment = body.environment ?? null;
    const at = new Date();
    const { version, created } = await this.#write(
      'project',
      actor,
      projectId,
      name,
      body.value,
      environment,
      at,
    );
    await this.options.audit.record({
      actorId: actor.userId,
      projectId,
      action: 'secret.set',
      detail: { scope: 'project', name, version, environment },
    });
    this.#masks.delete(projectId);
    await this.options.events.publish('secrets.changed', { projectId });
    return {
      secret: {
        name,
        environment,
        version,
        updatedAt: at.toISOString(),
        updatedBy: { id: actor.userId, name: actor.name },
      },
      created,
    };
  }

  async deleteProject(actor: SecretActor, projectId: string, name: string): Promise<void> {
    const version = await this.options.store.delete('project', projectId, name);
    if (version === null) throw AppError.notFound(`Secret ${name}`);
    await this.options.audit.record({
      actorId: actor.userId,
      projectId,
      action: 'secret.deleted',
      detail: { scope: 'project', name, version },
    });
    this.#masks.delete(projectId);
    await this.options.events.publish('secrets.changed', { projectId });
  }

  async listUser(userId: string): Promise<UserSecret[]> {
    return (await this.options.store.listUser(userId)).map(toUserSecret);
  }

  async putUser(
    actor: SecretActor,
    name: string,
    value: string,
  ): Promise<{ secret: UserSecret; created: boolean }> {
    const at = new Date();
    const { version, created } = await this.#write('user', actor, actor.userId, name, value, null, at);
    await this.options.audit.record({
      actorId: actor.userId,
      projectId: null,
      action: 'secret.set',
      detail: { scope: 'user', name, version },
    });
    await this.options.events.publish('user.secrets.changed', { userId: actor.userId });
    return { secret: { name, version, updatedAt: at.toISOString() }, created };
  }

  async deleteUser(actor: SecretActor, name: string): Promise<void> {
    const version = await this.options.store.delete('user', actor.userId, name);
    if (version === null) throw AppError.notFound(`Secret ${name}`);
    await this.options.audit.record({
      actorId: actor.userId,
      projectId: null,
      action: 'secret.deleted',
      detail: { scope: 'user', name, version },
    });
    await this.options.events.publish('user.secrets.changed', { userId: actor.userId });
  }

  /**
   * The project's secrets as environment variables, decrypted: those for every environment, plus those
   * scoped to `environment` when given. Server-internal (container injection); never sent to a client.
   */
  async projectEnvironment(projectId: string, environment?: string): Promise<Record<string, string>> {
    const records = await this.options.store.sealed('project', projectId);
    const variables: Record<string, string> = {};
    for (const record of records) {
      if (record.environment !== null && record.environment !== environment) continue;
      variables[record.name] = this.options.cipher.open(record, contextOf('project', record));
    }
    return variables;
  }

  /**
   * Replaces every value of the project's secrets (all environments, values of 4+ characters, and their
   * common encodings) with `[secret:NAME]`: for output that leaves the project's runtime (agent tools, the
   * container log, terminal replay). Cached per project until `secrets.changed`.
   */
  masker(projectId: string): Promise<SecretMask> {
    const cached = this.#masks.get(projectId);
    if (cached) return cached;
    const building = this.#buildMask(projectId);
    this.#masks.set(projectId, building);
    // A failure (a key missing, say) is not remembered: the next call tries again.
    building.catch(() => {
      if (this.#masks.get(projectId) === building) this.#masks.delete(projectId);
    });
    // The oldest entry goes first (a Map iterates in insertion order).
    if (this.#masks.size > cachedMasks) {
      const oldest = this.#masks.keys().next();
      if (!oldest.done) this.#masks.delete(oldest.value);
    }
    return building;
  }

  async #buildMask(projectId: string): Promise<SecretMask> {
    const records = await this.options.store.sealed('project', projectId);
    if (records.length === 0) return identityMask;
    const values: Record<string, string> = {};
    for (const record of records) {
      values[record.name] = this.options.cipher.open(record, contextOf('project', record));
    }
    return secretMask(values);
  }

  /** One of the user's own secrets, decrypted (e.g. their ANTHROPIC_API_KEY); null when they have none. */
  async userSecret(userId: string, name: string): Promise<string | null> {
    const [record] = await this.options.store.sealed('user', userId, name);
    return record ? this.options.cipher.open(record, contextOf('user', record)) : null;
  }

  /**
   * Re-wraps every data key not under the current key-encryption key. Values are not re-encrypted and
   * versions do not change; rows written meanwhile are left alone (they are already current).
   */
  async rotate(): Promise<RotationReport> {
    const keyId = this.options.cipher.currentKeyId;
    const report: RotationReport = {
      keyId,
      project: await this.#rotateScope('project', keyId),
      user: await this.#rotateScope('user', keyId),
    };
    await this.options.audit.record({
      actorId: null,
      projectId: null,
      action: 'secret.rotated',
      detail: {
        keyId,
        rewrapped: report.project.rewrapped + report.user.rewrapped,
        failed: report.project.failed.length + report.user.failed.length,
      },
    });
    return report;
  }

  async #rotateScope(scope: SecretScope, keyId: string): Promise<RotationCounts> {
    const { store, cipher } = this.options;
    const counts: RotationCounts = { alreadyCurrent: 0, rewrapped: 0, changedMeanwhile: 0, failed: [] };
    const total = await store.count(scope);
    let after: string | null = null;
    let stale = 0;
    for (;;) {
      const batch = await store.notWrappedBy(scope, keyId, after, rotationBatch);
      for (const record of batch) {
        after = record.id;
        stale += 1;
        try {
          const rewrapped = cipher.rewrap(record, contextOf(scope, record));
          if (await store.rewrap(scope, record, rewrapped)) counts.rewrapped += 1;
          else counts.changedMeanwhile += 1;
        } catch (error) {
          const reason = error instanceof AppError ? error.message : 'unexpected error';
          counts.failed.push({ ownerId: record.ownerId, name: record.name, reason });
        }
      }
      if (batch.length < rotationBatch) break;
    }
    counts.alreadyCurrent = Math.max(0, total - stale);
    return counts;
  }

  /** Seals the value for the next version and stores it, retrying when another writer won the race. */
  async #write(
    scope: SecretScope,
    actor: SecretActor,
    ownerId: string,
    name: string,
    value: string,
    environment: string | null,
    at: Date,
  ): Promise<{ version: number; created: boolean }> {
    const { store, cipher } = this.options;
    for (let attempt = 0; attempt < writeAttempts; attempt += 1) {
      const [existing] = await store.sealed(scope, ownerId, name);
      if (!existing) await this.#checkRoom(scope, ownerId);
      const version = (existing?.version ?? 0) + 1;
      const sealed = cipher.seal(value, { scope, scopeId: ownerId, name, version, environment });
      const write = { ownerId, name, version, environment, sealed, actorId: actor.userId, at };
      try {
        const written = existing
          ? await store.update(scope, write, existing.version)
          : await store.insert(scope, write);
        if (written) return { version, created: !existing };
      } catch (error) {
        // The project (or account) was deleted while this request ran.
        if (isForeignKeyViolation(error)) throw AppError.notFound(scope === 'project' ? 'Project' : 'User');
        throw error;
      }
    }
    throw new AppError('conflict', `The secret ${name} is being changed by someone else; try again`);
  }

  async #checkRoom(scope: SecretScope, ownerId: string): Promise<void> {
    const limit = scope === 'project' ? this.perProject : this.perUser;
    if ((await this.options.store.count(scope, ownerId)) >= limit) {
      const holder = scope === 'project' ? 'A project' : 'An account';
      throw new AppError('conflict', `${holder} holds at most ${limit} secrets; delete one first`);
    }
  }
}
