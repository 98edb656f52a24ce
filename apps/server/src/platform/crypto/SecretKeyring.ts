import { inspect } from 'node:util';

/** A key-encryption key: wraps the per-value data keys, never encrypts a value itself. */
export interface KeyEncryptionKey {
  readonly id: string;
  /** 32 bytes (AES-256). */
  readonly key: Buffer;
}

export const keyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const base64Pattern = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** How to write a key list, for error messages: they name the format, never what was given. */
export const keyListFormat =
  'comma- or newline-separated `id:base64(32 bytes)` entries, the current key first';

/**
 * Parses `id:base64(32 bytes)` entries separated by commas or newlines (blank lines and `#` comments are
 * skipped, so the key file can explain itself). Errors point at the entry by position and quote nothing
 * of it, not even the id: a malformed entry is most likely key material pasted in the wrong place.
 */
export function parseKeyList(text: string): KeyEncryptionKey[] {
  const entries = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error(`holds no key; expected ${keyListFormat}`);
  const keys: KeyEncryptionKey[] = [];
  entries.forEach((entry, index) => {
    const position = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (colon < 1 || !keyIdPattern.test(id)) {
      throw new Error(`${position} does not start with a key id (letters, digits, . _ -) and a colon`);
    }
    const key = Buffer.from(encoded, 'base64');
    if (!base64Pattern.test(encoded) || key.length !== 32) {
      throw new Error(
        `${position}: the key is not 32 bytes of base64 (make one with: openssl rand -base64 32)`,
      );
    }
    const earlier = keys.findIndex((known) => known.id === id);
    if (earlier >= 0) throw new Error(`${position} has the same key id as entry ${earlier + 1}`);
    keys.push({ id, key });
  });
  return keys;
}

/**
 * The ordered key list: the first key wraps new data keys, every key unwraps. Adding a new key first and
 * re-wrapping (`npm run secrets:rotate`) moves every record to it; the old key can then be removed.
 * Key bytes sit in a private field, so neither JSON nor `inspect` (and so no logger) can print them.
 */
export class SecretKeyring {
  readonly #keys: readonly KeyEncryptionKey[];

  constructor(keys: readonly KeyEncryptionKey[]) {
    const [first] = keys;
    if (!first) throw new Error('A keyring needs at least one key');
    const ids = new Set(keys.map((key) => key.id));
    if (ids.size !== keys.length) throw new Error('Key ids must be unique');
    for (const key of keys) {
      if (key.key.length !== 32) throw new Error(`Key '${key.id}' must be 32 bytes`);
    }
    this.#keys = keys.map((key) => ({ id: key.id, key: Buffer.from(key.key) }));
  }

  static parse(text: string): SecretKeyring {
    return new SecretKeyring(parseKeyList(text));
  }

  /** The key that wraps new data keys. */
  get current(): KeyEncryptionKey {
    return this.#keys[0]!;
  }

  get ids(): string[] {
    return this.#keys.map((key) => key.id);
  }

  find(id: string): KeyEncryptionKey | undefined {
    return this.#keys.find((key) => key.id === id);
  }

  toJSON(): { keyIds: string[] } {
    return { keyIds: this.ids };
  }

  [inspect.custom](): string {
    return `SecretKeyring(${this.ids.join(', ')})`;
  }
}
