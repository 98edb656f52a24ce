import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/AppError.js';
import { EnvelopeCipher, type SealContext, type SealedSecret } from './EnvelopeCipher.js';
import { parseKeyList, SecretKeyring } from './SecretKeyring.js';

const keyA = { id: 'a', key: randomBytes(32) };
const keyB = { id: 'b', key: randomBytes(32) };
const context: SealContext = {
  scope: 'project',
  scopeId: '6f0c7f3e-1d5e-4a57-9d0e-2f4f8f1f6a01',
  name: 'DATABASE_URL',
  version: 1,
  environment: null,
};
const value = 'postgres://app:hunter2-ünïcode@db/app';

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the call to fail');
}

function flipped(buffer: Buffer, index: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

describe('EnvelopeCipher', () => {
  const cipher = new EnvelopeCipher(new SecretKeyring([keyA]));

  it('opens what it sealed, and the sealed bytes hold neither the value nor a key', () => {
    const sealed = cipher.seal(value, context);
    expect(sealed.keyId).toBe('a');
    expect(cipher.open(sealed, context)).toBe(value);
    for (const blob of [sealed.ciphertext, sealed.wrappedKey]) {
      expect(blob.includes(Buffer.from(value))).toBe(false);
      expect(blob.includes(keyA.key)).toBe(false);
    }
    // Format byte, 96-bit IV, 128-bit tag, then a 32-byte data key.
    expect(sealed.wrappedKey).toHaveLength(1 + 12 + 16 + 32);
  });

  it('uses a fresh data key and IV for every value', () => {
    const first = cipher.seal(value, context);
    const second = cipher.seal(value, context);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
    expect(first.wrappedKey.equals(second.wrappedKey)).toBe(false);
    expect(first.ciphertext.subarray(1, 13).equals(second.ciphertext.subarray(1, 13))).toBe(false);
  });

  it.each([
    ['another name', { name: 'OTHER_URL' }],
    ['another project', { scopeId: '0d6f5a52-7c38-4d1e-8f6b-3a9a1c2b4e55' }],
    ['another version', { version: 2 }],
    ['another environment', { environment: 'production' }],
    ['a user scope', { scope: 'user' as const }],
  ])('refuses to open the value as %s', (_, change) => {
    const sealed = cipher.seal(value, context);
    const error = failure(() => cipher.open(sealed, { ...context, ...change }));
    expect(error.code).toBe('internal');
    expect(error.message).toMatch(/could not be decrypted/);
    expect(error.message).not.toContain(value);
  });

  it.each([
    ['the value ciphertext', 'ciphertext', 40],
    ['the value IV', 'ciphertext', 3],
    ['the value tag', 'ciphertext', 20],
    ['the wrapped data key', 'wrappedKey', 45],
    ['the format byte', 'wrappedKey', 0],
  ] as const)('refuses a record with a tampered byte in %s', (_, field, index) => {
    const sealed = cipher.seal(value, context);
    const tampered: SealedSecret = { ...sealed, [field]: flipped(sealed[field], index) };
    expect(failure(() => cipher.open(tampered, context)).message).toMatch(/altered/);
  });

  it('refuses a value ciphertext paired with another record’s data key', () => {
    const one = cipher.seal(value, context);
    const other = cipher.seal(value, context);
    expect(() => cipher.open({ ...one, wrappedKey: other.wrappedKey }, context)).toThrow(AppError);
  });

  it('names a key that is not in the list, without opening anything', () => {
    const sealed = new EnvelopeCipher(new SecretKeyring([keyB])).seal(value, context);
    const error = failure(() => cipher.open(sealed, context));
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/key 'b'.*not in the key list/);
  });

  it('refuses a record relabelled with another key id', () => {
    const both = new EnvelopeCipher(new SecretKeyring([keyA, keyB]));
    const sealed = both.seal(value, context);
    expect(() => both.open({ ...sealed, keyId: 'b' }, context)).toThrow(/could not be decrypted/);
  });

  it('re-wraps under the newest key without touching the value ciphertext', () => {
    const sealed = cipher.seal(value, context);
    const rotated = new EnvelopeCipher(new SecretKeyring([keyB, keyA]));
    const rewrapped = rotated.rewrap(sealed, context);
    expect(rewrapped.keyId).toBe('b');
    expect(rewrapped.ciphertext.equals(sealed.ciphertext)).toBe(true);
    expect(rewrapped.wrappedKey.equals(sealed.wrappedKey)).toBe(false);
    // The old key may go once everything is re-wrapped.
    expect(new EnvelopeCipher(new SecretKeyring([keyB])).open(rewrapped, context)).toBe(value);
    expect(() => cipher.open(rewrapped, context)).toThrow(/not in the key list/);
    // Re-wrapping checks the binding too: a moved record is not laundered into a valid one.
    expect(() => rotated.rewrap(sealed, { ...context, name: 'OTHER' })).toThrow(/could not be decrypted/);
  });
});

describe('SecretKeyring', () => {
  const encoded = (key: Buffer) => key.toString('base64');

  it('parses an ordered list, the first key current', () => {
    const keyring = SecretKeyring.parse(`b:${encoded(keyB.key)}, a:${encoded(keyA.key)}`);
    expect(keyring.ids).toEqual(['b', 'a']);
    expect(keyring.current.id).toBe('b');
    expect(keyring.find('a')?.key.equals(keyA.key)).toBe(true);
  });

  it('reads newline lists with comments (the key file)', () => {
    const keys = parseKeyList(`# comment\n\nk-1:${encoded(keyA.key)}\nk-2:${encoded(keyB.key)}\n`);
    expect(keys.map((key) => key.id)).toEqual(['k-1', 'k-2']);
  });

  it.each([
    ['an empty list', ' , '],
    ['no id', encoded(keyA.key)],
    ['a short key', `a:${randomBytes(16).toString('base64')}`],
    ['not base64', `a:${'!'.repeat(44)}`],
    ['a duplicate id', `a:${encoded(keyA.key)},a:${encoded(keyB.key)}`],
  ])('refuses %s without quoting it', (_, text) => {
    let message = '';
    try {
      parseKeyList(text);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).not.toContain(encoded(keyA.key));
    expect(message).not.toContain(encoded(keyB.key));
  });

  it('never prints key material through JSON or inspect (so no logger can)', () => {
    const keyring = new SecretKeyring([keyA, keyB]);
    const printed = `${JSON.stringify({ keyring })} ${inspect(keyring)} ${inspect({ nested: keyring })}`;
    for (const key of [keyA.key, keyB.key]) {
      expect(printed).not.toContain(key.toString('base64'));
      expect(printed).not.toContain(key.toString('hex'));
    }
    expect(printed).toContain('"keyIds":["a","b"]');
  });
});
