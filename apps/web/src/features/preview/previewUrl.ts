/** The origin (`scheme://host:port`) of a preview URL the server answered, or null if it is not one. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return parsed.origin;
  } catch {
    return null;
  }
}

/**
 * What the address bar turns into: a path (with query and hash) on the preview origin, or an error. Paths
 * and full URLs on the same origin are accepted; anything that would leave the preview is not.
 */
export function resolvePreviewPath(input: string, origin: string): { path: string } | { error: string } {
  const text = input.trim();
  if (!text) return { path: '/' };
  let url: URL;
  try {
    // "about" or "users?id=1" mean a path: only "//host" and "scheme:" could leave the origin.
    const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(text);
    url = new URL(hasScheme || text.startsWith('/') ? text : `/${text}`, origin);
  } catch {
    return { error: 'That is not an address.' };
  }
  if (url.origin !== origin) return { error: `The preview only shows addresses on ${origin}.` };
  return { path: `${url.pathname}${url.search}${url.hash}` };
}

/** The path part of a URL a report gave (absolute or relative); null when it is on another origin. */
export function pathWithin(url: string, origin: string): string | null {
  try {
    const parsed = new URL(url, origin);
    if (parsed.origin !== origin) return null;
    return `${parsed.pathname}${parsed.search}${parsed.hash}`;
  } catch {
    return null;
  }
}

/**
 * Whether a private preview probably cannot keep its session cookie inside the IDE's iframe: the preview
 * cookie needs `Secure` to be allowed in a third-party frame, and browsers only allow that on https and
 * localhost.
 */
export function iframeCookiesBlocked(preview: { protocol: string; hostname: string }): boolean {
  if (preview.protocol === 'https:') return false;
  const host = preview.hostname;
  return !(host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]');
}
