import { randomUUID } from 'node:crypto';
import {
  SignupModeSchema,
  type ApiToken,
  type LoginBody,
  type Session,
  type SignupBody,
  type SignupMode,
  type User,
} from '@vaporform/contracts';
import type { CacheManager } from '../../platform/cache/CacheManager.js';
import { AppError } from '../../platform/errors/AppError.js';
import type {
  AuthenticationResult,
  Authenticator,
  Credentials,
  Principal,
} from '../../platform/http/policy.js';
import { apiTokenPrefix, hashSecret, newApiToken, newSecret } from './credentialSecrets.js';
import type { LoginLimiter } from './loginLimiter.js';
import type { PasswordHasher } from './passwordHasher.js';
import type { ApiTokenRow, AuthStore, CredentialOwner, UserRow } from './store.js';

export interface AuthServiceOptions {
  store: AuthStore;
  hasher: PasswordHasher;
  limiter: LoginLimiter;
  cache: CacheManager;
  sessionDays: number;
  initialSignupMode: SignupMode;
  now?: () => Date;
}

export interface IssuedSession {
  user: User;
  /** The cookie value; shown to the browser once, stored only as a hash. */
  sessionToken: string;
  expiresAt: Date;
}

interface CachedCredential {
  principal: Principal;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

const credentialCacheSeconds = 30;
/** last_seen_at / last_used_at are written at most this often per credential, not on every request. */
const touchIntervalMs = 5 * 60 * 1000;
const signupModeKey = 'auth.signup_mode';

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
  };
}

function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
  };
}

const invalidCredentials = () => new AppError('unauthenticated', 'Email or password is incorrect');

/** Accounts, sessions and API tokens. Also the platform's `Authenticator`. */
export class AuthService implements Authenticator {
  private readonly store: AuthStore;
  private readonly now: () => Date;
  /** Verified against when the email is unknown, so a miss costs the same time as a wrong password. */
  private decoyHash: Promise<string> | undefined;

  constructor(private readonly options: AuthServiceOptions) {
    this.store = options.store;
    this.now = options.now ?? (() => new Date());
  }

  async signup(
    body: SignupBody,
    client: { ip: string; userAgent: string | undefined },
  ): Promise<IssuedSession> {
    await this.options.limiter.consumeSignup(client.ip);
    const mode = await this.signupMode();
    const isFirstUser = (await this.store.countUsers()) === 0;
    if (!isFirstUser && mode !== 'open') {
      if (mode === 'closed')
        throw AppError.forbidden('Sign-up is closed on this server; ask an administrator');
      const invited =
        body.inviteToken !== undefined &&
        (await this.store.consumeInvite(body.email, hashSecret(body.inviteToken), this.now()));
      if (!invited) throw AppError.forbidden('Sign-up needs a valid invite for this email address');
    }
    const passwordHash = await this.options.hasher.hash(body.password);
    const row = await this.store.insertUser({
      id: randomUUID(),
      email: body.email,
      name: body.name,
      password_hash: passwordHash,
    });
    if (!row) throw new AppError('conflict', 'An account with this email already exists; log in instead');
    return this.issueSession(row, client);
  }

  async login(
    body: LoginBody,
    client: { ip: string; userAgent: string | undefined },
  ): Promise<IssuedSession> {
    const { limiter, hasher } = this.options;
    await limiter.beginAttempt(body.email, client.ip);
    const row = await this.store.findUserByEmail(body.email);
    const valid = await hasher.verify(row?.password_hash ?? (await this.decoy()), body.password);
    if (!row || !valid || row.disabled_at) throw invalidCredentials();
    await limiter.recordSuccess(body.email, client.ip);
    if (hasher.needsRehash(row.password_hash)) {
      await this.store.updatePasswordHash(row.id, await hasher.hash(body.password));
    }
    return this.issueSession(row, client);
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.via !== 'session') return;
    await this.forget(
      await this.store.revokeSessions({ userId: principal.userId, sessionId: principal.credentialId }),
    );
  }

  async authenticate(credentials: Credentials): Promise<AuthenticationResult> {
    if (credentials.bearerToken !== undefined) {
      const principal = await this.resolve('token', credentials.bearerToken);
      return principal
        ? { kind: 'authenticated', principal }
        : { kind: 'rejected', reason: 'The API token is invalid, expired or revoked' };
    }
    if (credentials.sessionToken !== undefined) {
      const principal = await this.resolve('session', credentials.sessionToken);
      return principal
        ? { kind: 'authenticated', principal }
        : { kind: 'rejected', reason: 'Your session has expired or was ended; log in again' };
    }
    return { kind: 'anonymous' };
  }

  /** Cached like credentials: `me` is what every page load asks first. */
  async me(principal: Principal): Promise<User> {
    const user = await this.options.cache.getOrLoad(
      `auth:user:${principal.userId}`,
      credentialCacheSeconds,
      async () => {
        const row = await this.store.findUserById(principal.userId);
        return row ? toUser(row) : undefined;
      },
    );
    if (!user) throw AppError.unauthenticated();
    return user;
  }

  /** Whether the credential behind a long-lived connection (a terminal socket) is still valid. */
  credentialActive(principal: Principal): Promise<boolean> {
    return this.store.credentialActive(principal.via, principal.credentialId, this.now());
  }

  async listSessions(principal: Principal): Promise<Session[]> {
    const rows = await this.store.listActiveSessions(principal.userId, this.now());
    return rows.map((row) => ({
      id: row.id,
      createdAt: row.created_at.toISOString(),
      lastSeenAt: row.last_seen_at.toISOString(),
      expiresAt: row.expires_at.toISOString(),
      userAgent: row.user_agent,
      ip: row.ip,
      current: principal.via === 'session' && principal.credentialId === row.id,
    }));
  }

  async revokeSession(principal: Principal, sessionId: string): Promise<void> {
    const hashes = await this.store.revokeSessions({ userId: principal.userId, sessionId });
    if (hashes.length === 0) throw AppError.notFound('Session');
    await this.forget(hashes);
  }

  /** Changing the password ends every other session: whoever else held one must prove the new password. */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const row = await this.store.findUserById(principal.userId);
    if (!row || !(await this.options.hasher.verify(row.password_hash, currentPassword))) {
      throw new AppError('forbidden', 'The current password is incorrect');
    }
    await this.store.updatePasswordHash(row.id, await this.options.hasher.hash(newPassword));
    const keep = principal.via === 'session' ? principal.credentialId : undefined;
    await this.forget(await this.store.revokeSessions({ userId: row.id, exceptSessionId: keep }));
  }

  async createApiToken(
    principal: Principal,
    input: { name: string; expiresInDays?: number | undefined },
  ): Promise<{ token: string; apiToken: ApiToken }> {
    const token = newApiToken();
    const expiresAt = input.expiresInDays
      ? new Date(this.now().getTime() + input.expiresInDays * 86_400_000)
      : null;
    const row = await this.store.insertApiToken({
      id: randomUUID(),
      user_id: principal.userId,
      name: input.name,
      prefix: token.slice(0, apiTokenPrefix.length + 6),
      token_hash: hashSecret(token),
      expires_at: expiresAt,
    });
    return { token, apiToken: toApiToken(row) };
  }

  async listApiTokens(principal: Principal): Promise<ApiToken[]> {
    return (await this.store.listApiTokens(principal.userId)).map(toApiToken);
  }

  async revokeApiToken(principal: Principal, tokenId: string): Promise<void> {
    const hash = await this.store.revokeApiToken(principal.userId, tokenId);
    if (!hash) throw AppError.notFound('API token');
    await this.forget([hash]);
  }

  async signupMode(): Promise<SignupMode> {
    const stored = SignupModeSchema.safeParse(await this.store.getSetting(signupModeKey));
    return stored.success ? stored.data : this.options.initialSignupMode;
  }

  async setSignupMode(mode: SignupMode): Promise<void> {
    await this.store.putSetting(signupModeKey, mode);
  }

  async createInvite(principal: Principal, email: string, expiresInDays: number) {
    const token = newSecret();
    const invite = {
      id: randomUUID(),
      email,
      tokenHash: hashSecret(token),
      createdBy: principal.userId,
      expiresAt: new Date(this.now().getTime() + expiresInDays * 86_400_000),
    };
    await this.store.insertInvite(invite);
    return { id: invite.id, email, expiresAt: invite.expiresAt.toISOString(), token };
  }

  private async issueSession(
    row: UserRow,
    client: { ip: string; userAgent: string | undefined },
  ): Promise<IssuedSession> {
    const sessionToken = newSecret();
    const expiresAt = new Date(this.now().getTime() + this.options.sessionDays * 86_400_000);
    await this.store.insertSession({
      id: randomUUID(),
      user_id: row.id,
      token_hash: hashSecret(sessionToken),
      user_agent: client.userAgent?.slice(0, 300) ?? null,
      ip: client.ip,
      expires_at: expiresAt,
    });
    return { user: toUser(row), sessionToken, expiresAt };
  }

  /**
   * Resolves a credential to its principal through a short-lived cache: every revocation path deletes the
   * cache entry, so the cache saves a database round trip per request without delaying a revocation.
   */
  private async resolve(via: Principal['via'], secret: string): Promise<Principal | undefined> {
    if (via === 'token' && !secret.startsWith(apiTokenPrefix)) return undefined;
    const hash = hashSecret(secret);
    const key = `auth:credential:${hash}`;
    const now = this.now();
    let cached = await this.options.cache.get<CachedCredential>(key);
    if (!cached) {
      const owner =
        via === 'token'
          ? await this.store.findApiTokenOwner(hash, now)
          : await this.store.findSessionOwner(hash, now);
      if (!owner || owner.user.disabled_at) return undefined;
      cached = this.toCached(via, owner);
      await this.options.cache.set(key, cached, credentialCacheSeconds);
    }
    if (cached.expiresAt !== null && new Date(cached.expiresAt) <= now) return undefined;
    if (
      cached.lastUsedAt === null ||
      now.getTime() - new Date(cached.lastUsedAt).getTime() > touchIntervalMs
    ) {
      const id = cached.principal.credentialId;
      await (via === 'token' ? this.store.touchApiToken(id, now) : this.store.touchSession(id, now));
      await this.options.cache.set(key, { ...cached, lastUsedAt: now.toISOString() }, credentialCacheSeconds);
    }
    return cached.principal;
  }

  private toCached(via: Principal['via'], owner: CredentialOwner): CachedCredential {
    return {
      principal: {
        userId: owner.user.id,
        email: owner.user.email,
        name: owner.user.name,
        role: owner.user.role,
        via,
        credentialId: owner.credentialId,
      },
      expiresAt: owner.expiresAt?.toISOString() ?? null,
      lastUsedAt: owner.lastUsedAt?.toISOString() ?? null,
    };
  }

  private async forget(hashes: string[]): Promise<void> {
    await Promise.all(hashes.map((hash) => this.options.cache.delete(`auth:credential:${hash}`)));
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= this.options.hasher.hash(newSecret());
    return this.decoyHash;
  }
}
