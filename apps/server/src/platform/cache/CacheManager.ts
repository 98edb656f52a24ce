import type { Cache } from './Cache.js';

export interface CacheManagerOptions {
  /** The fast, per-process level. */
  memory: Cache;
  /** The shared level (Redis in production); absent in the embedded mode. */
  shared?: Cache;
  /**
   * How long the memory level may keep a value it copied from the shared level. Kept short because another
   * replica may change the shared value; 0 turns the copy off.
   */
  memoryTtlSeconds?: number;
}

/**
 * The seed's two-level cache manager: read memory first, then the shared level (copying a hit into memory),
 * write both. `getOrLoad` fills the cache from a loader once per key even when many callers ask at once.
 */
export class CacheManager implements Cache {
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(private readonly options: CacheManagerOptions) {}

  async get<T>(key: string): Promise<T | undefined> {
    const local = await this.options.memory.get<T>(key);
    if (local !== undefined || !this.options.shared) return local;
    const shared = await this.options.shared.get<T>(key);
    const memoryTtl = this.options.memoryTtlSeconds ?? 5;
    if (shared !== undefined && memoryTtl > 0) await this.options.memory.set(key, shared, memoryTtl);
    return shared;
  }

  async set<T>(key: string, value: T, ttlSeconds = 3600): Promise<void> {
    const memoryTtl = this.options.shared
      ? Math.min(ttlSeconds, this.options.memoryTtlSeconds ?? 5)
      : ttlSeconds;
    await Promise.all([
      this.options.memory.set(key, value, memoryTtl),
      this.options.shared?.set(key, value, ttlSeconds),
    ]);
  }

  async delete(key: string): Promise<void> {
    await Promise.all([this.options.memory.delete(key), this.options.shared?.delete(key)]);
  }

  /** A loader returning undefined caches nothing, so a miss is asked again next time. */
  async getOrLoad<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    const pending = this.loading.get(key);
    if (pending) return pending as Promise<T>;
    const promise = (async () => {
      try {
        const value = await load();
        if (value !== undefined) await this.set(key, value, ttlSeconds);
        return value;
      } finally {
        this.loading.delete(key);
      }
    })();
    this.loading.set(key, promise);
    return promise;
  }
}
