const authPages = new Set(['/login', '/signup']);

/**
 * Where to go after signing in: the `next` query parameter when it is a path on this site, else `/`.
 * Refuses anything a browser would read as another origin (`//evil.test`, `/\evil.test`, `https://…`),
 * and the sign-in pages themselves so that signing in never lands on a form again.
 */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  // Browsers drop tabs and newlines inside URLs, so `/\t/evil.test` would become `//evil.test`.
  if ([...raw].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) return '/';
  const base = 'http://vaporform.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return '/';
  }
  if (url.origin !== base) return '/';
  // Dot segments can collapse into a protocol-relative path: `/..//evil.test` → `//evil.test`.
  if (url.pathname.startsWith('//') || authPages.has(url.pathname)) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `?next=` from a search string (with or without the leading `?`), sanitised. */
export function nextPathFrom(search: string): string {
  return safeNextPath(new URLSearchParams(search).get('next'));
}

/** A link to another sign-in page that keeps where the person was going. */
export function withNext(page: '/login' | '/signup', next: string): string {
  return next === '/' ? page : `${page}?next=${encodeURIComponent(next)}`;
}
