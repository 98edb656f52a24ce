import { describe, expect, it } from 'vitest';
import { LineSplitter, readNdjson } from './ndjson';

function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks)
        controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

describe('LineSplitter', () => {
  it('joins a line split across chunks and returns only complete lines', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(splitter.push(':2')).toEqual([]);
    expect(splitter.push('}\n{"c":3}\n')).toEqual(['{"b":2}', '{"c":3}']);
    expect(splitter.flush()).toEqual([]);
  });

  it('handles CRLF split between chunks, blank lines and a last line without a newline', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('one\r')).toEqual([]);
    expect(splitter.push('\n\n\ntwo\r\nthree')).toEqual(['one', 'two']);
    expect(splitter.flush()).toEqual(['three']);
    expect(splitter.flush()).toEqual([]);
  });

  it('copes with one-character chunks', () => {
    const splitter = new LineSplitter();
    const lines = [...'ab\ncd\n'].flatMap((char) => splitter.push(char));
    expect(lines).toEqual(['ab', 'cd']);
  });
});

describe('readNdjson', () => {
  it('parses values across chunk and UTF-8 boundaries, skipping lines that are not JSON', async () => {
    const encoded = new TextEncoder().encode('{"text":"héllo ✓"}\n');
    const values: unknown[] = [];
    await readNdjson(
      streamOf(['{"n":1}\n{"n"', ':2}\nnot json\n', encoded.slice(0, 12), encoded.slice(12), '{"n":3}']),
      (value) => values.push(value),
    );
    expect(values).toEqual([{ n: 1 }, { n: 2 }, { text: 'héllo ✓' }, { n: 3 }]);
  });

  it('rejects when the stream fails', async () => {
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('connection reset'));
      },
    });
    await expect(readNdjson(failing, () => undefined)).rejects.toThrow('connection reset');
  });
});
