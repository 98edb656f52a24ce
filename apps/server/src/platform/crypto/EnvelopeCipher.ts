import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors/AppError.js';
import type { SecretKeyring } from './SecretKeyring.js';

/** Where a sealed value belongs. All of it is authenticated, so a value copied to another row fails to open. */
export interface SealContext {
  scope: 'project' | 'user';
  /** The project id or the user id. */
  scopeId: string;
  name: string;
  version: number;
  /** A project secret's environment; bound too, so a database edit cannot move a value between environments. */
  environment?: string | null;
}

export interface SealedSecret {
  /** The key-encryption key that wrapped `wrappedKey`. */
  keyId: string;
  /** The value's data key under that key: format byte, IV, GCM tag, ciphertext. */
  wrappedKey: Buffer;
  /** The value under its data key: format byte, IV, GCM tag, ciphertext. */
  ciphertext: Buffer;
}

// The leading byte names this layout, so a later change (another cipher, a longer IV) can be told apart.
const format = 1;
const ivBytes = 12;
const tagBytes = 16;
const headerBytes = 1 + ivBytes + tagBytes;

function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(format), iv, cipher.getAuthTag(), body]);
}

/** Null when the blob is malformed, altered, or was sealed with another key or other associated data. */
function decrypt(key: Buffer, blob: Buffer, aad: Buffer): Buffer | null {
  if (blob.length < headerBytes || blob[0] !== format) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 1 + ivBytes), {
      authTagLength: tagBytes,
    });
    decipher.setAAD(aad);
    decipher.setAuthTag(blob.subarray(1 + ivBytes, headerBytes));
    return Buffer.concat([decipher.update(blob.subarray(headerBytes)), decipher.final()]);
  } catch {
    return null;
  }
}

// A JSON array is an unambiguous encoding: no name or id can be crafted to look like another field.
function valueAad(context: SealContext): Buffer {
  const { scope, scopeId, name, version, environment = null } = context;
  return Buffer.from(
    JSON.stringify(['vaporform/secret-value/1', scope, scopeId, name, version, environment]),
  );
}

function keyAad(keyId: string, context: SealContext): Buffer {
  const { scope, scopeId, name, version, environment = null } = context;
  return Buffer.from(
    JSON.stringify(['vaporform/secret-key/1', keyId, scope, scopeId, name, version, environment]),
  );
}

function describe(context: SealContext): string {
  return `${context.scope} secret ${context.name}`;
}

/**
 * Envelope encryption for secrets: every value gets its own random 256-bit data key (AES-256-GCM, random
 * 96-bit IV), and that data key is wrapped by the keyring's current key-encryption key. Rotating keys then
 * re-wraps 60-byte data keys instead of re-encrypting values, and a leaked data key exposes one value.
 * Failures never carry the value or key material: they name the secret and what to do.
 */
export class EnvelopeCipher {
  constructor(private readonly keyring: SecretKeyring) {}

  get currentKeyId(): string {
    return this.keyring.current.id;
  }

  seal(value: string, context: SealContext): SealedSecret {
    const dataKey = randomBytes(32);
    const plaintext = Buffer.from(value, 'utf8');
    try {
      const kek = this.keyring.current;
      return {
        keyId: kek.id,
        wrappedKey: encrypt(kek.key, dataKey, keyAad(kek.id, context)),
        ciphertext: encrypt(dataKey, plaintext, valueAad(context)),
      };
    } finally {
      dataKey.fill(0);
      plaintext.fill(0);
    }
  }

  open(sealed: SealedSecret, context: SealContext): string {
    const dataKey = this.#unwrap(sealed, context);
    try {
      const plaintext = decrypt(dataKey, sealed.ciphertext, valueAad(context));
      if (!plaintext) throw this.#unreadable(context);
      const value = plaintext.toString('utf8');
      plaintext.fill(0);
      return value;
    } finally {
      dataKey.fill(0);
    }
  }

  /** The same value ciphertext with its data key wrapped under the current key (a new IV, too). */
  rewrap(sealed: SealedSecret, context: SealContext): SealedSecret {
    const dataKey = this.#unwrap(sealed, context);
    try {
      const kek = this.keyring.current;
      return {
        keyId: kek.id,
        wrappedKey: encrypt(kek.key, dataKey, keyAad(kek.id, context)),
        ciphertext: sealed.ciphertext,
      };
    } finally {
      dataKey.fill(0);
    }
  }

  #unwrap(sealed: SealedSecret, context: SealContext): Buffer {
    const kek = this.keyring.find(sealed.keyId);
    if (!kek) {
      throw new AppError(
        'unavailable',
        `The ${describe(context)} was sealed with key '${sealed.keyId}', which is not in the key list ` +
          `(VAPORFORM_SECRET_KEYS or the key file); add that key back to open it`,
      );
    }
    const dataKey = decrypt(kek.key, sealed.wrappedKey, keyAad(kek.id, context));
    if (!dataKey || dataKey.length !== 32) throw this.#unreadable(context);
    return dataKey;
  }

  #unreadable(context: SealContext): AppError {
    return new AppError(
      'internal',
      `The ${describe(context)} could not be decrypted: its sealed data was altered or belongs to another secret`,
    );
  }
}
