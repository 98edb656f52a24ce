import { PassThrough, Writable, type Duplex } from 'node:stream';
import type { PipeSession } from './containerRuntime.js';
import { settled, type Demuxer } from './dockerStreams.js';

/**
 * A non-TTY exec with stdin attached. Docker multiplexes stdout and stderr on the one hijacked connection;
 * they are split here. Ending `stdin` half-closes the connection, so the command sees EOF and its output
 * still arrives.
 */
export class DockerPipeSession implements PipeSession {
  readonly stdin: Writable;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly exited: Promise<number | null>;
  #disposed = false;

  constructor(
    private readonly stream: Duplex,
    modem: Demuxer,
    private readonly control: {
      kill: () => Promise<void>;
      exitCode: () => Promise<number | null>;
      onDisposed: () => void;
    },
  ) {
    // A write after the command exited fails with EPIPE: the caller learns of the end through `exited`.
    stream.on('error', () => undefined);
    modem.demuxStream(stream, this.stdout, this.stderr);
    this.stdin = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        if (stream.writableEnded || stream.destroyed) callback(new Error('The process has exited'));
        else stream.write(chunk, (error) => callback(error ?? null));
      },
      final: (callback) => {
        if (!stream.writableEnded && !stream.destroyed) stream.end();
        callback();
      },
    });
    this.stdin.on('error', () => undefined);
    this.exited = settled(stream).then(async () => {
      this.stdout.end();
      this.stderr.end();
      if (this.#disposed) return null;
      this.control.onDisposed();
      return this.control.exitCode().catch(() => null);
    });
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
