/**
 * Collects a command's output up to a byte budget, keeping its start and its end (where errors usually
 * are) and dropping the middle. Memory stays within the budget however much the command prints.
 */
export class OutputBuffer {
  readonly #headLimit: number;
  readonly #tailLimit: number;
  readonly #head: Buffer[] = [];
  #headSize = 0;
  #tail: Buffer[] = [];
  #tailSize = 0;
  #total = 0;

  constructor(maxBytes: number) {
    if (!(Number.isInteger(maxBytes) && maxBytes >= 0)) throw new RangeError(`bad output limit ${maxBytes}`);
    this.#headLimit = Math.ceil(maxBytes / 2);
    this.#tailLimit = maxBytes - this.#headLimit;
  }

  push(chunk: Buffer): void {
    this.#total += chunk.length;
    const headRoom = this.#headLimit - this.#headSize;
    if (headRoom > 0) {
      const taken = chunk.subarray(0, headRoom);
      this.#head.push(taken);
      this.#headSize += taken.length;
      chunk = chunk.subarray(taken.length);
    }
    if (chunk.length === 0 || this.#tailLimit === 0) return;
    this.#tail.push(chunk);
    this.#tailSize += chunk.length;
    // Drop whole chunks from the front while the rest still fills the tail, then trim the first one.
    while (this.#tail.length > 1 && this.#tailSize - (this.#tail[0]?.length ?? 0) >= this.#tailLimit) {
      this.#tailSize -= this.#tail.shift()?.length ?? 0;
    }
    const first = this.#tail[0];
    if (first && this.#tailSize > this.#tailLimit) {
      this.#tail[0] = first.subarray(this.#tailSize - this.#tailLimit);
      this.#tailSize = this.#tailLimit;
    }
  }

  /** Bytes received, kept or not. */
  get totalBytes(): number {
    return this.#total;
  }

  get truncated(): boolean {
    return this.#total > this.#headSize + this.#tailSize;
  }

  /** The text, with a marker line where bytes were dropped. */
  text(): string {
    if (!this.truncated) return Buffer.concat([...this.#head, ...this.#tail]).toString('utf8');
    const omitted = this.#total - this.#headSize - this.#tailSize;
    const head = Buffer.concat(this.#head).toString('utf8');
    return `${head}\n[… ${omitted} bytes omitted …]\n${Buffer.concat(this.#tail).toString('utf8')}`;
  }
}
