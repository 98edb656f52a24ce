import { describe, expect, it } from 'vitest';
import { DisposableStore, toDisposable } from './DisposableStore.js';

describe('DisposableStore', () => {
  it('disposes in reverse order, once', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => void order.push('database')));
    store.add(toDisposable(async () => void order.push('http')));
    await store.dispose();
    await store.dispose();
    expect(order).toEqual(['http', 'database']);
  });

  it('disposes everything even when one fails, then reports', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => void order.push('first')));
    store.add(
      toDisposable(() => {
        throw new Error('stuck');
      }),
    );
    await expect(store.dispose()).rejects.toThrow(AggregateError);
    expect(order).toEqual(['first']);
  });

  it('disposes a late addition immediately instead of leaking it', async () => {
    const store = new DisposableStore();
    await store.dispose();
    let disposed = false;
    expect(() => store.add(toDisposable(() => void (disposed = true)))).toThrow(/already disposed/);
    expect(disposed).toBe(true);
  });
});
