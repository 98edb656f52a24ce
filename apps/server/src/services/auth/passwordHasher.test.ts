import { describe, expect, it } from 'vitest';
import { owaspArgon2id, PasswordHasher } from './passwordHasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('hashes with argon2id at the OWASP parameters, salted', async () => {
    const first = await hasher.hash('correct horse battery');
    const second = await hasher.hash('correct horse battery');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(first).not.toBe(second);
    expect(await hasher.verify(first, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(first, 'correct horse batterY')).toBe(false);
  });

  it('asks for a rehash when the stored parameters are weaker or foreign', async () => {
    const weak = await new PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }).hash('pw');
    expect(hasher.needsRehash(weak)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('pw'))).toBe(false);
    expect(hasher.needsRehash('$2b$10$bcrypt-hash')).toBe(true);
    expect(owaspArgon2id.memoryCost).toBe(19_456);
  });

  it('treats a malformed stored hash as a wrong password, not a crash', async () => {
    expect(await hasher.verify('not a hash', 'pw')).toBe(false);
  });
});
