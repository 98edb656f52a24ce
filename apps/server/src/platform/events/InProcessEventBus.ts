import type { EventName, VaporformEvents } from '@vaporform/contracts';
import type { Disposable } from '../lifecycle/DisposableStore.js';
import type { EventBus, EventHandler } from './EventBus.js';

/**
 * The embedded-mode bus. `publish` resolves when every handler has finished; a failing handler neither
 * stops the others nor reaches the publisher (whose own work already succeeded): it goes to `onError`.
 */
export class InProcessEventBus implements EventBus {
  private readonly handlers = new Map<EventName, Set<EventHandler<never>>>();

  constructor(private readonly onError: (error: unknown, name: EventName) => void = () => undefined) {}

  async publish<K extends EventName>(name: K, payload: VaporformEvents[K]): Promise<void> {
    const handlers = [...(this.handlers.get(name) ?? [])] as EventHandler<K>[];
    await Promise.all(
      handlers.map(async (handler) => {
        try {
          await handler(payload);
        } catch (error) {
          this.onError(error, name);
        }
      }),
    );
  }

  subscribe<K extends EventName>(name: K, handler: EventHandler<K>): Disposable {
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
    }
    set.add(handler);
    return { dispose: () => void set.delete(handler) };
  }
}
