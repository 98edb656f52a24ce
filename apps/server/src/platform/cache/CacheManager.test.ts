import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CacheManager } from './CacheManager.js';
import { MemoryCache } from './MemoryCache.js';

describe('CacheManager', () => {
  it('expires values after their TTL', async () => {
    const cache = new CacheManager({ memory: new MemoryCache() });
    await cache.set('k', { v: 1 }, 0.05);
    expect(await cache.get('k')).toEqual({ v: 1 });
    await sleep(80);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('reads through to the shared level and copies the hit into memory', async () => {
    const memory = new MemoryCache();
    const shared = new MemoryCache();
    await shared.set('k', 'from-shared', 60);
    const cache = new CacheManager({ memory, shared });
    expect(await cache.get('k')).toBe('from-shared');
    expect(await memory.get('k')).toBe('from-shared');
  });

  it('writes and deletes both levels', async () => {
    const memory = new MemoryCache();
    const shared = new MemoryCache();
    const cache = new CacheManager({ memory, shared });
    await cache.set('k', 42, 60);
    expect([await memory.get('k'), await shared.get('k')]).toEqual([42, 42]);
    await cache.delete('k');
    expect([await memory.get('k'), await shared.get('k')]).toEqual([undefined, undefined]);
  });

  it('loads a missing key once for many concurrent callers', async () => {
    const cache = new CacheManager({ memory: new MemoryCache() });
    let loads = 0;
    const load = async () => {
      loads++;
      await sleep(10);
      return 'value';
    };
    const values = await Promise.all(Array.from({ length: 20 }, () => cache.getOrLoad('k', 60, load)));
    expect(new Set(values)).toEqual(new Set(['value']));
    expect(loads).toBe(1);
    expect(await cache.getOrLoad('k', 60, load)).toBe('value');
    expect(loads).toBe(1);
  });

  it('bounds the memory level by entry count', async () => {
    const memory = new MemoryCache({ maxEntries: 2 });
    await memory.set('a', 1, 60);
    await memory.set('b', 2, 60);
    await memory.set('c', 3, 60);
    expect(await memory.get('a')).toBeUndefined();
    expect(await memory.get('c')).toBe(3);
  });
});
