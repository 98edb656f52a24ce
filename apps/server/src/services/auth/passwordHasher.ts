import { hash, verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id`; the package exports it as an ambient const enum, which isolated modules cannot read. */
const argon2id = 2;

/** OWASP Password Storage Cheat Sheet, argon2id first option: 19 MiB, 2 iterations, 1 lane. */
export const owaspArgon2id = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface Argon2Parameters {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id hashing in PHC string form. `needsRehash` lets login upgrade old hashes when the parameters
 * are raised, without a migration or a forced password reset.
 */
export class PasswordHasher {
  constructor(private readonly parameters: Argon2Parameters = owaspArgon2id) {}

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: argon2id, ...this.parameters });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      // A malformed stored hash is a failed login, not a server error.
      return false;
    }
  }

  needsRehash(passwordHash: string): boolean {
    const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash);
    if (!match) return true;
    const [, memory, time, lanes] = match.map(Number);
    return (
      memory !== this.parameters.memoryCost ||
      time !== this.parameters.timeCost ||
      lanes !== this.parameters.parallelism
    );
  }
}
