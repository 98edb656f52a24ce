import { vi } from 'vitest';

export interface ApiCall {
  /** `METHOD /path?query`, as the answer function saw it. */
  route: string;
  /** The JSON body, parsed; undefined when there was none. */
  body: unknown;
}

/** A JSON answer; `null` answers with no body at all. */
export const json = (status: number, body: unknown) =>
  new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

/**
 * Stands in for the server: stubs `fetch` with `answer(route, body)` and records every request, in the
 * array it returns. `vi.unstubAllGlobals()` undoes it.
 */
export function stubApi(answer: (route: string, body: unknown) => Response | Promise<Response>): ApiCall[] {
  const calls: ApiCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init?: RequestInit) => {
      const route = `${init?.method ?? 'GET'} ${input}`;
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      calls.push({ route, body });
      return answer(route, body);
    }),
  );
  return calls;
}
