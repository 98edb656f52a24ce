import { ContainerLogLineSchema, type ContainerLogLine } from '@vaporform/contracts';
import { ApiError, describeError } from '../../platform/ApiError';
import { readNdjson } from './ndjson';
import { RetryTimer, type TimerHooks } from './RetryTimer';

export type LogStreamState =
  | { kind: 'connecting' }
  | { kind: 'streaming' }
  /** The stream ended and the container is not running: nothing to follow until it starts. */
  | { kind: 'idle' }
  | { kind: 'retrying'; error: string | null; retryAt: number }
  | { kind: 'failed'; error: string };

export interface LogStreamOptions extends TimerHooks {
  /** Opens `GET …/logs?follow=true` with these parameters and answers the NDJSON body. */
  open: (query: { tail: number; since?: string }, signal: AbortSignal) => Promise<ReadableStream<Uint8Array>>;
  onLines: (lines: ContainerLogLine[]) => void;
  onState: (state: LogStreamState) => void;
  /** Whether the container exists, so that a stream that ended is worth opening again. */
  running: () => boolean;
  /** Lines to ask for on the first connect (default 500). */
  tail?: number;
  /** At most this many lines when resuming after a gap (default 5000). */
  resumeTail?: number;
  now?: () => number;
}

export const logReopenDelaysMs = [1000, 2000, 5000, 10_000] as const;

/**
 * Follows the container log: reads NDJSON lines, and when the stream ends while the container runs (the
 * server restarted, a proxy cut it, the container was recreated) opens it again from the last line's time,
 * leaving out lines it already handed on.
 */
export class LogStream {
  private controller: AbortController | undefined;
  private readonly retryTimer: RetryTimer;
  private attempt = 0;
  private stopped = false;
  /** Time (ms) of the newest line so far, and the lines seen in that millisecond: the resume point. */
  private lastMs = Number.NEGATIVE_INFINITY;
  private lastKeys = new Set<string>();
  private sawLine = false;

  constructor(private readonly options: LogStreamOptions) {
    this.retryTimer = new RetryTimer(options);
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.retryTimer.cancel();
    this.controller?.abort();
    this.controller = undefined;
  }

  /** The container (re)started: an idle or waiting stream opens now. */
  kick(): void {
    if (this.stopped || this.controller) return;
    this.retryTimer.cancel();
    this.connect();
  }

  /** Accepts a line unless it is one handed on before (the resume overlaps by up to a millisecond). */
  accept(line: ContainerLogLine): boolean {
    const ms = Date.parse(line.time);
    if (Number.isNaN(ms)) return true;
    const key = `${line.time}\u0000${line.stream}\u0000${line.text}`;
    if (ms < this.lastMs) return false;
    if (ms === this.lastMs) {
      if (this.lastKeys.has(key)) return false;
      this.lastKeys.add(key);
      return true;
    }
    this.lastMs = ms;
    this.lastKeys = new Set([key]);
    return true;
  }

  /** Where to continue from: the last line's millisecond (inclusive) with `accept` dropping the overlap. */
  resumeQuery(): { tail: number; since?: string } {
    if (!this.sawLine) return { tail: this.options.tail ?? 500 };
    // Lines without a readable time: only new ones, rather than the tail again.
    if (!Number.isFinite(this.lastMs)) return { tail: 0 };
    return { tail: this.options.resumeTail ?? 5000, since: new Date(this.lastMs).toISOString() };
  }

  private connect(): void {
    if (this.stopped) return;
    const controller = new AbortController();
    this.controller = controller;
    const query = this.resumeQuery();
    this.options.onState({ kind: 'connecting' });
    let received = false;
    void (async () => {
      try {
        const body = await this.options.open(query, controller.signal);
        this.options.onState({ kind: 'streaming' });
        await readNdjson(body, (value) => {
          const parsed = ContainerLogLineSchema.safeParse(value);
          if (!parsed.success || !this.accept(parsed.data)) return;
          received = true;
          this.sawLine = true;
          this.options.onLines([parsed.data]);
        });
        if (controller.signal.aborted) return;
        this.controller = undefined;
        if (received) this.attempt = 0;
        if (this.options.running()) this.retry(null);
        else this.options.onState({ kind: 'idle' });
      } catch (error) {
        if (controller.signal.aborted || this.stopped) return;
        this.controller = undefined;
        if (error instanceof ApiError && ['unauthenticated', 'forbidden', 'not_found'].includes(error.code)) {
          this.options.onState({ kind: 'failed', error: describeError(error) });
          return;
        }
        this.retry(describeError(error));
      }
    })();
  }

  private retry(error: string | null): void {
    const delay = logReopenDelaysMs[Math.min(this.attempt, logReopenDelaysMs.length - 1)] ?? 10_000;
    this.attempt += 1;
    this.options.onState({ kind: 'retrying', error, retryAt: (this.options.now?.() ?? Date.now()) + delay });
    this.retryTimer.schedule(() => this.connect(), delay);
  }
}
