import type { LogLine, LogOptions, LogStream } from '../containerRuntime.js';

/** The last `capacity` lines of a project's log, in memory, plus the streams following it. */
export class LogRing {
  readonly #lines: (LogLine | undefined)[];
  #start = 0;
  #size = 0;
  readonly #followers = new Set<LocalLogStream>();

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`bad log capacity ${capacity}`);
    this.#lines = new Array<LogLine | undefined>(capacity);
  }

  /** Appends one line per line of `text` (an announce may hold several). */
  push(stream: LogLine['stream'], text: string): void {
    const time = new Date().toISOString();
    for (const part of text.split('\n')) {
      const line: LogLine = { stream, text: part, time };
      if (this.#size < this.capacity) {
        this.#lines[(this.#start + this.#size) % this.capacity] = line;
        this.#size++;
      } else {
        this.#lines[this.#start] = line;
        this.#start = (this.#start + 1) % this.capacity;
      }
      for (const follower of this.#followers) follower.deliver(line);
    }
  }

  read(options: Pick<LogOptions, 'tail' | 'since'> = {}): LogLine[] {
    const lines: LogLine[] = [];
    for (let index = 0; index < this.#size; index++) {
      const line = this.#lines[(this.#start + index) % this.capacity];
      if (line !== undefined) lines.push(line);
    }
    const since = options.since?.getTime();
    const recent = since === undefined ? lines : lines.filter((line) => Date.parse(line.time) >= since);
    if (options.tail === undefined) return recent;
    const tail = Math.max(0, Math.floor(options.tail));
    return tail === 0 ? [] : recent.slice(-tail);
  }

  /** `initial`, then every line pushed from now on until disposed or `endFollowers`. */
  follow(initial: LogLine[], onDisposed: () => void): LocalLogStream {
    const stream: LocalLogStream = new LocalLogStream(initial, true, this.capacity, () => {
      this.#followers.delete(stream);
      onDisposed();
    });
    this.#followers.add(stream);
    return stream;
  }

  /** Ends every follower once it has delivered what it holds (the container stopped). */
  endFollowers(): void {
    for (const follower of [...this.#followers]) follower.end();
  }
}

/** A log stream over lines in memory; a follower also receives lines as they are pushed. */
export class LocalLogStream implements LogStream {
  readonly #queue: LogLine[];
  #ended: boolean;
  #disposed = false;
  #wake: (() => void) | null = null;

  constructor(
    initial: LogLine[],
    follow: boolean,
    /** A reader that stops reading must not make the server hold the log twice over. */
    private readonly maxQueued: number,
    private readonly onEnded: () => void = () => undefined,
  ) {
    this.#queue = [...initial];
    this.#ended = !follow;
  }

  deliver(line: LogLine): void {
    if (this.#ended) return;
    this.#queue.push(line);
    if (this.#queue.length > this.maxQueued) this.#queue.shift();
    this.#signal();
  }

  /** No more lines will come; what is queued is still delivered. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.onEnded();
    this.#signal();
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<LogLine> {
    try {
      for (;;) {
        const line = this.#queue.shift();
        if (line !== undefined) {
          yield line;
          continue;
        }
        if (this.#ended) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      this.dispose();
    }
  }

  /** Stops at once: lines not yet read are dropped. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#queue.length = 0;
    this.end();
  }
}
