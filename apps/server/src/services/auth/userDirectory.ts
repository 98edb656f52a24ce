import type { AuthStore } from './store.js';

export interface DirectoryUser {
  id: string;
  email: string;
  name: string;
}

/** What other services may know about users: who they are, never their credentials. */
export class UserDirectory {
  constructor(private readonly store: AuthStore) {}

  async findByEmail(email: string): Promise<DirectoryUser | undefined> {
    const row = await this.store.findUserByEmail(email);
    return row && !row.disabled_at ? { id: row.id, email: row.email, name: row.name } : undefined;
  }

  /** The earliest administrator: the person who set the instance up. */
  async instanceOwnerId(): Promise<string | undefined> {
    return (await this.store.firstAdmin())?.id;
  }

  async findById(id: string): Promise<DirectoryUser | undefined> {
    const row = await this.store.findUserById(id);
    return row ? { id: row.id, email: row.email, name: row.name } : undefined;
  }
}
