import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface PreviewClaims {
  /** What the token is for: the one-time hop from the IDE, or the session cookie on the preview origin. */
  kind: 'grant' | 'session';
  projectId: string;
  userId: string;
  role: 'admin' | 'user';
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/**
 * Signed, short-lived tokens binding a user to one project's preview: `base64url(json).base64url(hmac)`.
 * The key lives in the data directory (0600), so sessions survive a restart and replicas sharing the data
 * directory agree.
 */
export class PreviewTokens {
  private constructor(private readonly key: Buffer) {}

  static async load(dataDir: string): Promise<PreviewTokens> {
    const file = path.join(dataDir, 'keys', 'preview.key');
    try {
      return new PreviewTokens(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64'));
    } catch {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const key = randomBytes(32);
      await writeFile(file, key.toString('base64'), { mode: 0o600, flag: 'wx' }).catch(() => undefined);
      await chmod(file, 0o600);
      return new PreviewTokens(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64'));
    }
  }

  sign(claims: Omit<PreviewClaims, 'exp'>, ttlSeconds: number): string {
    const body = Buffer.from(
      JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) + ttlSeconds }),
    ).toString('base64url');
    return `${body}.${this.#mac(body)}`;
  }

  /** The claims, or null when the token is forged, expired or of another kind. */
  verify(token: string | undefined, kind: PreviewClaims['kind']): PreviewClaims | null {
    if (!token) return null;
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.#mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as PreviewClaims;
      return claims.kind === kind && claims.exp > Date.now() / 1000 ? claims : null;
    } catch {
      return null;
    }
  }

  #mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
