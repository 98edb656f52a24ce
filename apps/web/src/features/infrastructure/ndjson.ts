/**
 * Splits a stream of text chunks into lines, whatever the chunk boundaries: a line split across two chunks
 * comes out whole, once its newline arrives. `\r\n` endings and blank lines are tolerated.
 */
export class LineSplitter {
  private pending = '';

  /** The complete lines in this chunk (with what earlier chunks left over), without their newlines. */
  push(chunk: string): string[] {
    const text = this.pending + chunk;
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    return lines
      .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
      .filter((line) => line.length > 0);
  }

  /** The last line when the stream ended without a newline. */
  flush(): string[] {
    const rest = this.pending.endsWith('\r') ? this.pending.slice(0, -1) : this.pending;
    this.pending = '';
    return rest.length > 0 ? [rest] : [];
  }
}

/**
 * Reads an NDJSON body chunk by chunk and hands each parsed value to `onValue`; lines that are not JSON are
 * skipped. Resolves when the body ends; rejects when reading fails (or is aborted).
 */
export async function readNdjson(
  body: ReadableStream<Uint8Array>,
  onValue: (value: unknown) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const splitter = new LineSplitter();
  const emit = (lines: string[]) => {
    for (const line of lines) {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      onValue(value);
    }
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      emit(splitter.push(decoder.decode(value, { stream: true })));
    }
    emit(splitter.push(decoder.decode()));
    emit(splitter.flush());
  } finally {
    reader.releaseLock();
  }
}
