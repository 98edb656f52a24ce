import { ErrorBodySchema } from '@vaporform/contracts';
import type { z } from 'zod';
import { ApiError } from './ApiError';

export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON unless it is a FormData, Blob or string. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Parses the response body; omit for 204 and raw responses. */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
}

/** Paths are joined with encoded segments so a file name never turns into a different route. */
export function apiPath(...segments: (string | number)[]): string {
  return `/api/${segments.map((segment) => String(segment).split('/').map(encodeURIComponent).join('/')).join('/')}`;
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      const { code, message, issues } = parsed.data.error;
      return new ApiError(code, message, response.status, issues ?? []);
    }
  } catch {
    // Not JSON: a proxy in front of the server answered. Fall through to a generic message.
  }
  return new ApiError(
    'internal',
    `The server answered ${response.status} ${response.statusText}.`,
    response.status,
  );
}

/** Sends a request to the IDE's own API with the session cookie, and throws `ApiError` on failure. */
export async function request(path: string, options: RequestOptions<unknown> = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData || options.body instanceof Blob || typeof options.body === 'string') {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('network', 'The server could not be reached. Check your connection.', 0);
  }
  if (!response.ok && response.status !== 304) throw await errorFrom(response);
  return response;
}

/** A JSON API call whose answer is checked against the contract schema. */
export async function api<T>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  const response = await request(path, options);
  if (!options.schema || response.status === 204) return undefined as T;
  const parsed = options.schema.safeParse(await response.json());
  if (!parsed.success) {
    throw new ApiError(
      'internal',
      `Unexpected answer from ${path}: ${parsed.error.message}`,
      response.status,
    );
  }
  return parsed.data;
}
