/** The part of xterm's buffer API read here (tests pass a fake). */
export interface BufferLike {
  getLine(y: number):
    | {
        /** This row continues the one above (the line was too long for the terminal's width). */
        readonly isWrapped: boolean;
        translateToString(trimRight?: boolean): string;
      }
    | undefined;
}

/**
 * Rows `from` to `to` (inclusive) as text, a row that continues a wrapped line joined to it. Read from the
 * end, stopping once there are `limit` characters: a command that printed the whole scrollback costs no
 * more than one that printed a screen.
 */
export function bufferText(buffer: BufferLike, from: number, to: number, limit: number): string {
  const pieces: string[] = [];
  let length = 0;
  let continuedBelow = false;
  for (let y = to; y >= from && length < limit; y--) {
    const row = buffer.getLine(y);
    if (!row) {
      continuedBelow = false;
      continue;
    }
    // A wrapped line's trailing spaces are part of it; an ending line's are padding.
    const text = row.translateToString(!continuedBelow) + (continuedBelow || y === to ? '' : '\n');
    pieces.push(text);
    length += text.length;
    continuedBelow = row.isWrapped;
  }
  return pieces.reverse().join('').slice(-limit);
}
