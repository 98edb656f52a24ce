/* eslint-disable no-control-regex -- these patterns are about control characters */
/** CSI, OSC and two-character escape sequences: what the terminal draws, not what it says. */
const escapes =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[@-Z\\-_]|\x1b[()#][0-9A-Za-z]/g;
const controls = /[\x00-\x08\x0b-\x1f\x7f]/g;
/* eslint-enable no-control-regex */

/** The terminal's text without escape sequences and control characters (newlines kept). */
export function plainText(text: string): string {
  return text.replace(escapes, '').replace(/\r+\n/g, '\n').replace(/\r/g, '\n').replace(controls, '');
}

/**
 * The last few kilobytes of a terminal's output as plain text, decoded across chunk boundaries: what a
 * screen reader's "read output" or an end-to-end test looks at (xterm draws on a canvas).
 */
export class OutputTail {
  private raw = '';
  private decoder = new TextDecoder();

  constructor(private readonly limit = 4096) {}

  push(bytes: Uint8Array): void {
    this.raw += this.decoder.decode(bytes, { stream: true });
    // Keep extra raw text so that stripping escapes still leaves `limit` characters.
    if (this.raw.length > this.limit * 4) this.raw = this.raw.slice(-this.limit * 2);
  }

  clear(): void {
    this.raw = '';
    this.decoder = new TextDecoder();
  }

  text(): string {
    return plainText(this.raw).slice(-this.limit);
  }
}
