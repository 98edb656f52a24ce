import { toDisposable, type Disposable } from '../../../platform/lifecycle/DisposableStore.js';
import type { ContainerEvent, ContainerEventKind, EventSubscriptionOptions } from '../containerRuntime.js';

interface Subscriber {
  handler: (event: ContainerEvent) => void;
  options: EventSubscriptionOptions;
}

/** Start and die events of local containers, per project; the runtime emits them as it changes state. */
export class LocalEvents {
  readonly #subscribers = new Map<string, Set<Subscriber>>();

  subscribe(
    projectId: string,
    handler: (event: ContainerEvent) => void,
    options: EventSubscriptionOptions,
  ): Disposable {
    const subscriber: Subscriber = { handler, options };
    const subscribers = this.#subscribers.get(projectId) ?? new Set<Subscriber>();
    subscribers.add(subscriber);
    this.#subscribers.set(projectId, subscribers);
    return toDisposable(() => {
      subscribers.delete(subscriber);
      if (subscribers.size === 0 && this.#subscribers.get(projectId) === subscribers) {
        this.#subscribers.delete(projectId);
      }
    });
  }

  emit(projectId: string, containerId: string, kind: ContainerEventKind, exitCode?: number): void {
    const event: ContainerEvent = {
      kind,
      projectId,
      containerId,
      time: new Date(),
      ...(exitCode === undefined ? {} : { exitCode }),
    };
    for (const { handler, options } of this.#subscribers.get(projectId) ?? []) {
      try {
        handler(event);
      } catch (error) {
        // One subscriber's failure must not keep the event from the others.
        options.onError?.(error);
      }
    }
  }

  clear(): void {
    this.#subscribers.clear();
  }
}
