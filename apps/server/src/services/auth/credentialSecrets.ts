import { createHash, randomBytes } from 'node:crypto';

export const apiTokenPrefix = 'vf_';

/** 256 bits from the CSPRNG, URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function newApiToken(): string {
  return `${apiTokenPrefix}${newSecret()}`;
}

/**
 * Secrets are high-entropy, so a fast unsalted hash is enough to make a leaked table useless while keeping
 * the per-request lookup an index probe.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
