/**
 * Runs tasks one at a time per key (e.g. per project or per file), in arrival order; different keys run
 * concurrently. Keys are forgotten when their queue drains, so the map does not grow with history.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running work; finished keys are forgotten. */
  get size(): number {
    return this.tails.size;
  }
}
