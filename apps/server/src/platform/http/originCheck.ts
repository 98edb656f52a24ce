import type { FastifyRequest } from 'fastify';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface OriginPolicy {
  /** The IDE's own origin, e.g. `http://localhost:4000`. */
  publicOrigin: string;
  /** Hosts that must never count as the IDE's origin (the preview domain). */
  isForeignHost(host: string): boolean;
}

/**
 * Cross-site request refusal in the style of Go's `http.CrossOriginProtection`: browsers label every
 * request with `Sec-Fetch-Site` and/or `Origin`, so a write whose labels point elsewhere is refused, and a
 * request with neither label comes from a non-browser client (curl, scripts), where CSRF does not apply.
 * Returns the reason for refusal, or null when the request may proceed.
 */
export function crossSiteRefusal(request: FastifyRequest, policy: OriginPolicy): string | null {
  // A WebSocket handshake is a GET that opens a two-way channel with the user's cookies; browsers always
  // send Origin on it, so it must be the IDE's own (a preview origin is same-site and would pass SameSite).
  if (request.headers.upgrade?.toLowerCase() === 'websocket') {
    const origin = request.headers.origin;
    return origin !== undefined && isOwnOrigin(origin, request.headers.host, policy)
      ? null
      : 'WebSocket connections are accepted only from the IDE origin';
  }
  if (safeMethods.has(request.method)) return null;
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return `Cross-site request refused (Sec-Fetch-Site: ${fetchSite})`;
  }
  const origin = request.headers.origin;
  if (origin === undefined) return null;
  return isOwnOrigin(origin, request.headers.host, policy)
    ? null
    : 'Cross-site request refused (Origin mismatch)';
}

/** True when `origin` is the IDE: the configured public origin, or the host this request was sent to. */
export function isOwnOrigin(origin: string, requestHost: string | undefined, policy: OriginPolicy): boolean {
  if (origin === policy.publicOrigin) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return requestHost !== undefined && parsed.host === requestHost && !policy.isForeignHost(parsed.host);
}
