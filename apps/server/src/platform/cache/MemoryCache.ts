import { LRUCache } from 'lru-cache';
import type { Cache } from './Cache.js';

/** In-process cache, bounded by entry count so a busy server cannot grow it without limit. */
export class MemoryCache implements Cache {
  private readonly entries: LRUCache<string, { value: unknown }>;

  constructor(options: { maxEntries?: number } = {}) {
    this.entries = new LRUCache({ max: options.maxEntries ?? 10_000, ttlAutopurge: false });
  }

  get<T>(key: string): Promise<T | undefined> {
    return Promise.resolve(this.entries.get(key)?.value as T | undefined);
  }

  set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value }, { ttl: ttlSeconds * 1000 });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }
}
