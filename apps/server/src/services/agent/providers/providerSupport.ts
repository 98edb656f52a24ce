import { AppError } from '../../../platform/errors/AppError.js';
import type { LlmRequest, LlmResponse, LlmStreamEvent, LlmUsage } from './llmProvider.js';

/** What a provider is constructed with; each provider documents its own defaults. */
export interface ProviderOptions {
  /** Without a key no credential is sent (a proxy, a local server such as Ollama, or a fake may need none). */
  apiKey?: string | undefined;
  /** The API root the SDK appends its paths to. */
  baseUrl?: string | undefined;
  model?: string | undefined;
  /** Retries of overload, 429, 5xx and connection failures, with the SDK's backoff. */
  maxRetries?: number | undefined;
  /** Give up on a stream that sends nothing (not even a ping) for this long. */
  idleTimeoutMs?: number | undefined;
}

/** The client options both SDKs take alike. */
export function sdkClientOptions(options: ProviderOptions, baseURL: string) {
  return {
    // Passing a credential keeps the SDK from reading ANTHROPIC_* / OPENAI_* variables or credential files of its own.
    apiKey: options.apiKey ?? 'unused',
    // No key configured: send no Authorization header at all rather than a placeholder.
    ...(options.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
    baseURL,
    maxRetries: options.maxRetries ?? 4,
    // Request logging (ANTHROPIC_LOG=debug, OPENAI_LOG=debug) would print bodies: keep the SDK to warnings.
    logLevel: 'warn' as const,
  };
}

/** How one provider streams a response through its SDK; `streamResponse` does the rest. */
export interface StreamingCall<Chunk> {
  /** Opens the SDK's stream; `signal` is the caller's plus the idle watchdog. */
  open(signal: AbortSignal): Promise<AsyncIterable<Chunk>>;
  /** Folds the chunks of one response into it, forwarding events through `emit` as they come. */
  reader(emit: (event: LlmStreamEvent) => void): { read(chunk: Chunk): void; finish(): LlmResponse };
  /** The SDK's error, for `toAppError`. */
  describe(error: unknown): ProviderFailure;
  failureContext: FailureContext;
  idleTimeoutMs: number;
  /** Starts the message of giving up on a quiet stream, e.g. "The Anthropic API". */
  stalledSubject: string;
}

/**
 * One streamed model response, the same for every SDK: the caller's abort rejects with its reason, a stream
 * that goes quiet is given up on, an exception of `onEvent` is rethrown unchanged, and every other failure
 * becomes an AppError that names the service and never the key.
 */
export async function streamResponse<Chunk>(
  request: LlmRequest,
  onEvent: (event: LlmStreamEvent) => void,
  call: StreamingCall<Chunk>,
): Promise<LlmResponse> {
  if (request.signal.aborted) throw abortReason(request.signal);
  const watchdog = new StreamWatchdog(request.signal, call.idleTimeoutMs);
  const callback = guardCallback(onEvent);
  const stalled = () =>
    new AppError(
      'unavailable',
      `${call.stalledSubject} sent nothing for ${Math.round(call.idleTimeoutMs / 1000)} s; gave up on the response.`,
    );
  try {
    const stream = await call.open(watchdog.signal);
    const reader = call.reader(callback.emit);
    for await (const chunk of stream) {
      watchdog.touch();
      reader.read(chunk);
    }
    if (watchdog.settle()) throw stalled();
    return reader.finish();
  } catch (error) {
    if (watchdog.settle()) throw stalled();
    if (callback.threw(error) || error instanceof AppError) throw error;
    throw toAppError(call.describe(error), call.failureContext);
  } finally {
    watchdog.dispose();
  }
}

/** What both providers know about a failed call, taken from their SDK's error classes. */
export interface ProviderFailure {
  /** `http`: an error status; `stream`: an error inside a 200 stream; `connection`: no answer at all. */
  kind: 'http' | 'stream' | 'connection' | 'timeout' | 'broken';
  status?: number | undefined;
  /** The API's error type (`overloaded_error`, `rate_limit_error`, `invalid_request_error`, …). */
  type?: string | null | undefined;
  /** The API's own message, when it sent one. */
  apiMessage?: string | null | undefined;
  cause: unknown;
}

/** The error classes both SDKs (generated alike) export; the timeout class extends the connection class. */
export interface SdkErrorClasses<ApiError extends Error & { status: number | undefined }> {
  APIError: abstract new (...args: never[]) => ApiError;
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  APIUserAbortError: abstract new (...args: never[]) => Error;
}

/** Sorts an SDK's error into a ProviderFailure; the SDKs differ only in where the API's own message is. */
export function describeSdkError<ApiError extends Error & { status: number | undefined }>(
  error: unknown,
  sdk: SdkErrorClasses<ApiError>,
  details: (error: ApiError) => Pick<ProviderFailure, 'type' | 'apiMessage'>,
): ProviderFailure {
  if (error instanceof sdk.APIConnectionTimeoutError) return { kind: 'timeout', cause: error };
  if (error instanceof sdk.APIConnectionError || error instanceof sdk.APIUserAbortError) {
    return { kind: 'connection', cause: error };
  }
  if (error instanceof sdk.APIError) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    return { kind: status === undefined ? 'stream' : 'http', status, ...details(error), cause: error };
  }
  // A body that stops mid-read (socket reset) surfaces as a TypeError from fetch, unparseable JSON as SyntaxError.
  return { kind: 'broken', cause: error };
}

export interface FailureContext {
  /** "Anthropic" / "the OpenAI-compatible server" — how a message names the other side. */
  service: string;
  /** Host of the base URL (never the full URL: it may carry credentials). */
  host: string;
  /** Where the key comes from, for the hint in a refused-key message. */
  keyHint: string;
  /** Removed from any text that could reach a message. */
  secret: string | undefined;
}

/**
 * Maps a failure the SDK did not (or could no longer) retry onto the one error model. Messages are for users:
 * they name the service and what to do, never the key; the SDK error stays in `cause` for the log.
 */
export function toAppError(failure: ProviderFailure, context: FailureContext): AppError {
  const cause = failure.cause;
  const apiMessage = redact(failure.apiMessage ?? '', context.secret).trim();
  const detail = apiMessage ? `: ${apiMessage}` : '';
  switch (failure.kind) {
    case 'timeout':
      return new AppError('unavailable', `${context.service} did not answer in time (${context.host}).`, {
        cause,
      });
    case 'connection':
      return new AppError('unavailable', `Could not reach ${context.service} at ${context.host}.`, { cause });
    case 'broken':
      return new AppError(
        'unavailable',
        `The connection to ${context.service} broke off mid-response; try again.`,
        {
          cause,
        },
      );
    case 'stream':
    case 'http':
      break;
  }
  const status = failure.status;
  const type = failure.type ?? '';
  if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error') {
    return new AppError(
      'unauthenticated',
      `${context.service} refused the API key${status ? ` (HTTP ${status})` : ''}. Check ${context.keyHint}.`,
      { cause },
    );
  }
  if (status === 429 || type === 'rate_limit_error') {
    return new AppError(
      'rate_limited',
      `${context.service} is rate-limiting requests${status ? '' : ' (mid-response)'}; wait a moment and try again.`,
      { cause },
    );
  }
  if (status === undefined) {
    if (type === 'invalid_request_error') {
      return new AppError('bad_request', `${context.service} rejected the request${detail}`, { cause });
    }
    const what = type === 'overloaded_error' ? 'is overloaded' : 'failed';
    return new AppError('unavailable', `${context.service} ${what} mid-response${detail}. Try again.`, {
      cause,
    });
  }
  if (status === 529 || status >= 500 || status === 408 || status === 409) {
    const what = status === 529 || type === 'overloaded_error' ? 'is overloaded' : 'is unavailable';
    return new AppError('unavailable', `${context.service} ${what} (HTTP ${status}); try again shortly.`, {
      cause,
    });
  }
  return new AppError('bad_request', `${context.service} rejected the request (HTTP ${status})${detail}`, {
    cause,
  });
}

export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('[redacted]');
}

export function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return 'the configured base URL';
  }
}

/**
 * The signal handed to the SDK: the caller's, plus a watchdog that gives up when the stream goes quiet for
 * `idleMs` (a stalled connection would otherwise hold a turn forever).
 */
export class StreamWatchdog {
  readonly signal: AbortSignal;
  private readonly idle = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly outer: AbortSignal,
    private readonly idleMs: number,
  ) {
    this.signal = AbortSignal.any([outer, this.idle.signal]);
    this.touch();
  }

  /** Something arrived: restart the idle clock. */
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.idle.abort(), this.idleMs);
    this.timer.unref();
  }

  /** Rethrows the caller's abort reason if the caller aborted; true if the watchdog fired. */
  settle(): boolean {
    if (this.outer.aborted) throw abortReason(this.outer);
    return this.idle.signal.aborted;
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

/**
 * Wraps the caller's `onEvent` so that an exception it throws can be told apart from the SDK's and rethrown
 * unchanged (leaving the loop also closes the stream).
 */
export function guardCallback<T>(onEvent: (event: T) => void): {
  emit: (event: T) => void;
  threw: (error: unknown) => boolean;
} {
  let thrown: { error: unknown } | null = null;
  return {
    emit: (event) => {
      try {
        onEvent(event);
      } catch (error) {
        thrown = { error };
        throw error;
      }
    },
    threw: (error) => thrown !== null && thrown.error === error,
  };
}

/** What an aborted signal rejects with: its reason (an `AbortError` DOMException unless the caller chose one). */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * A tool call's arguments as an object. Models occasionally send arguments that do not parse (a local model, or a
 * response cut off by max_tokens): `null` lets the caller drop or replace the call.
 */
export function parseToolInput(json: string): Record<string, unknown> | null {
  if (json.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export function priceUsage(usage: LlmUsage, price: ModelPrice | undefined): number {
  if (!price) return 0;
  return (
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheWriteTokens * price.cacheWrite +
      usage.cacheReadTokens * price.cacheRead) /
    1_000_000
  );
}

export const emptyUsage = (): LlmUsage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});
