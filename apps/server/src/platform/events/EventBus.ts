import type { EventName, VaporformEvents } from '@vaporform/contracts';
import type { Disposable } from '../lifecycle/DisposableStore.js';

export type EventHandler<K extends EventName> = (payload: VaporformEvents[K]) => void | Promise<void>;

/** Domain events between services. Subscribing returns the handle that unsubscribes. */
export interface EventBus {
  publish<K extends EventName>(name: K, payload: VaporformEvents[K]): Promise<void>;
  subscribe<K extends EventName>(name: K, handler: EventHandler<K>): Disposable;
}
