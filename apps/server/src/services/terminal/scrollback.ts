/**
 * The last `capacity` bytes a terminal printed, replayed to a socket that (re)attaches. Chunks are kept as
 * they came and trimmed from the front, so a replay costs one concat.
 */
export class Scrollback {
  readonly #chunks: Buffer[] = [];
  #size = 0;

  constructor(private readonly capacity: number) {}

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.capacity) {
      const first = this.#chunks[0];
      if (!first) break;
      const excess = this.#size - this.capacity;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
      } else {
        this.#chunks[0] = first.subarray(excess);
        this.#size -= excess;
      }
    }
  }

  snapshot(): Buffer {
    return Buffer.concat(this.#chunks, this.#size);
  }

  get size(): number {
    return this.#size;
  }
}
