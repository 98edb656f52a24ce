/**
 * Cuts a byte stream into lines. Bytes are kept until their line is complete, so a multi-byte character
 * split across chunks decodes correctly; a line longer than `maxLineBytes` is emitted in pieces.
 */
export class LineSplitter {
  #pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes = 64 * 1024,
  ) {}

  push(chunk: Buffer): void {
    let data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    let newline = data.indexOf(0x0a);
    while (newline !== -1) {
      this.onLine(stripCarriageReturn(data.subarray(0, newline).toString('utf8')));
      data = data.subarray(newline + 1);
      newline = data.indexOf(0x0a);
    }
    while (data.length > this.maxLineBytes) {
      this.onLine(data.subarray(0, this.maxLineBytes).toString('utf8'));
      data = data.subarray(this.maxLineBytes);
    }
    this.#pending = Buffer.from(data);
  }

  /** Emits what is left as a last line without a newline. */
  end(): void {
    if (this.#pending.length > 0) this.onLine(stripCarriageReturn(this.#pending.toString('utf8')));
    this.#pending = Buffer.alloc(0);
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
