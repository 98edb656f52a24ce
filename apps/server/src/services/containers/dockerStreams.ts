import { Readable, Writable, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { LogLine, LogStream, TtySession } from './containerRuntime.js';
import { dockerCall } from './dockerErrors.js';
import { LineSplitter } from './lineSplitter.js';

/** dockerode leaves the modem untyped; this is the one function of it we use. */
export interface Demuxer {
  demuxStream(source: NodeJS.ReadableStream, stdout: Writable, stderr: Writable): void;
}

export function sink(onChunk: (chunk: Buffer) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      onChunk(chunk);
      callback();
    },
  });
}

/** Resolves when the stream has ended, closed or failed, whichever comes first. */
export function settled(stream: NodeJS.ReadableStream | Duplex): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}
export class DockerTtySession implements TtySession {
  readonly exited: Promise<number | null>;
  #disposed = false;

  constructor(
    private readonly exec: Docker.Exec,
    readonly stream: Duplex,
    private readonly control: {
      kill: () => Promise<void>;
      exitCode: () => Promise<number | null>;
      onDisposed: () => void;
    },
  ) {
    stream.on('error', () => undefined);
    this.exited = settled(stream).then(async () => {
      if (this.#disposed) return null;
      this.control.onDisposed();
      return this.control.exitCode().catch(() => null);
    });
  }

  async resize(cols: number, rows: number): Promise<void> {
    const w = Math.max(1, Math.min(1000, Math.floor(cols)));
    const h = Math.max(1, Math.min(1000, Math.floor(rows)));
    await dockerCall(() => this.exec.resize({ w, h }), { conflict: 'The terminal has exited' });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.control.onDisposed();
    await this.control.kill();
    this.stream.destroy();
    await this.exited;
  }
}

export class DockerLogStream implements LogStream {
  readonly #readable: Readable;
  #ended = false;

  constructor(
    private readonly source: Readable,
    modem: Demuxer,
    private readonly onDisposed: () => void,
  ) {
    this.#readable = new Readable({ objectMode: true, read: () => void source.resume() });
    const stdout = new LineSplitter((line) => this.#emit('stdout', line));
    const stderr = new LineSplitter((line) => this.#emit('stderr', line));
    modem.demuxStream(
      source,
      sink((chunk) => stdout.push(chunk)),
      sink((chunk) => stderr.push(chunk)),
    );
    const end = () => {
      stdout.end();
      stderr.end();
      this.#end();
    };
    source.once('end', end);
    source.once('close', end);
    source.once('error', end);
  }

  #emit(stream: LogLine['stream'], line: string): void {
    if (this.#ended) return;
    const space = line.indexOf(' ');
    const entry: LogLine =
      space > 0
        ? { stream, time: line.slice(0, space), text: line.slice(space + 1) }
        : { stream, time: '', text: line };
    if (!this.#readable.push(entry)) this.source.pause();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#readable.push(null);
    this.onDisposed();
  }

  [Symbol.asyncIterator](): AsyncIterator<LogLine> {
    return this.#readable[Symbol.asyncIterator]() as AsyncIterator<LogLine>;
  }

  dispose(): void {
    this.source.destroy();
    this.#end();
  }
}
