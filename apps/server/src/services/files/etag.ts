import { createHash } from 'node:crypto';

/** A strong validator from the content itself, so equal bytes always carry equal tags. */
export function etagOf(content: Buffer): string {
  return `"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`;
}

/** True when an If-Match / If-None-Match header lists this tag (or `*`). */
export function matchesEtag(header: string, etag: string | undefined): boolean {
  if (header.trim() === '*') return etag !== undefined;
  if (etag === undefined) return false;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}
