import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';
import {
  projectLabel,
  type ContainerEvent,
  type ContainerEventKind,
  type EventSubscriptionOptions,
} from './containerRuntime.js';
import { dockerCall } from './dockerErrors.js';
import { LineSplitter } from './lineSplitter.js';

const kinds: readonly ContainerEventKind[] = ['start', 'die', 'oom'];
const maxBackoffMs = 5_000;

interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
}

/** Docker's `since` takes seconds with a fractional part. */
function sinceParameter(timeNano: bigint): string {
  const seconds = timeNano / 1_000_000_000n;
  const nanos = timeNano % 1_000_000_000n;
  return `${seconds}.${nanos.toString().padStart(9, '0')}`;
}

/**
 * `GET /events` filtered to one project's containers. When the stream drops (daemon restart) it reconnects
 * with backoff from the last event seen, so nothing is missed or delivered twice.
 */
export class DockerEventSubscription implements Disposable {
  #stream: Readable | null = null;
  #disposed = false;
  #retry: NodeJS.Timeout | null = null;
  #backoffMs = 250;
  #lastTimeNano: bigint;
  #lastKey = '';

  constructor(
    private readonly docker: Docker,
    private readonly projectId: string,
    private readonly handler: (event: ContainerEvent) => void,
    private readonly options: EventSubscriptionOptions,
    private readonly onDisposed: () => void,
  ) {
    this.#lastTimeNano = BigInt(Date.now()) * 1_000_000n;
  }

  /** Resolves once the daemon is streaming: every event after this point is delivered. */
  async connect(): Promise<void> {
    const query = {
      // A string keeps the nanoseconds; the typings only know whole seconds.
      since: sinceParameter(this.#lastTimeNano) as unknown as number,
      filters: {
        type: ['container' as const],
        event: [...kinds],
        label: [`${projectLabel}=${this.projectId}`],
      },
    };
    const stream = (await dockerCall(() => this.docker.getEvents(query))) as Readable;
    if (this.#disposed) {
      stream.destroy();
      return;
    }
    this.#stream = stream;
    const splitter = new LineSplitter((line) => this.#onLine(line));
    stream.on('data', (chunk: Buffer) => {
      this.#backoffMs = 250;
      splitter.push(chunk);
    });
    const lost = (error?: unknown) => {
      if (this.#stream !== stream) return;
      this.#stream = null;
      this.#reconnect(error ?? new Error('Docker event stream ended'));
    };
    stream.once('error', lost);
    stream.once('end', () => lost());
    stream.once('close', () => lost());
  }

  #onLine(line: string): void {
    if (line.trim() === '') return;
    let raw: RawEvent;
    try {
      raw = JSON.parse(line) as RawEvent;
    } catch (error) {
      this.options.onError?.(error);
      return;
    }
    const kind = kinds.find((candidate) => candidate === raw.Action);
    const containerId = raw.Actor?.ID;
    if (raw.Type !== 'container' || kind === undefined || containerId === undefined) return;
    // timeNano exceeds 2^53: take its digits from the text, not from the parsed (rounded) number.
    const digits = /"timeNano":\s*(\d+)/.exec(line)?.[1];
    const timeNano =
      digits === undefined ? BigInt(Math.trunc(raw.time ?? 0)) * 1_000_000_000n : BigInt(digits);
    const key = `${containerId}:${kind}:${timeNano}`;
    // After a reconnect Docker repeats events from `since` on.
    if (timeNano < this.#lastTimeNano || key === this.#lastKey) return;
    this.#lastTimeNano = timeNano;
    this.#lastKey = key;
    const exitCode = Number(raw.Actor?.Attributes?.exitCode);
    const event: ContainerEvent = {
      kind,
      projectId: this.projectId,
      containerId,
      time: new Date(Number(timeNano / 1_000_000n)),
      ...(kind === 'die' && Number.isInteger(exitCode) ? { exitCode } : {}),
    };
    try {
      this.handler(event);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  #reconnect(error: unknown): void {
    if (this.#disposed) return;
    this.options.onError?.(error);
    const wait = this.#backoffMs;
    this.#backoffMs = Math.min(maxBackoffMs, this.#backoffMs * 2);
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.connect().catch((failure: unknown) => this.#reconnect(failure));
    }, wait);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#stream?.destroy();
    this.#stream = null;
    this.onDisposed();
  }
}
