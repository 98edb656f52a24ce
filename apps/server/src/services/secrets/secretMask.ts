/** Replaces secret values in a text with `[secret:NAME]`. */
export type SecretMask = (text: string) => string;

/** Shorter values are left alone: masking `dev` or `1` would blank out ordinary words and numbers. */
export const minimumMaskedLength = 4;
/** A line of a multi-line value (a PEM key, say) is masked on its own from this length. */
const minimumLineLength = 8;

/** Masks nothing: a project without secrets. */
export const identityMask: SecretMask = (text) => text;

/**
 * The ways a value is percent-encoded in practice; they differ in what they leave as it is, so a value with
 * `/`, `!` or a space comes out differently from each: JavaScript's `encodeURIComponent` and `encodeURI`,
 * RFC 3986 strictly (Python's `quote(v, safe="")`, curl), a path segment keeping `/` (Python's `quote(v)`,
 * its default), and form encoding with `+` for a space (`quote_plus`, `URLSearchParams`).
 */
function percentEncodings(value: string): string[] {
  const component = encodeURIComponent(value);
  const strict = component.replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return [
    component,
    encodeURI(value),
    strict,
    strict.replaceAll('%2F', '/'),
    strict.replaceAll('%20', '+'),
    new URLSearchParams({ v: value }).toString().slice('v='.length),
  ];
}

/**
 * What a value may look like in output: itself, each long line of it (output split into log lines, or a
 * terminal's `\r\n`), and the encodings a program prints it in (base64 in Basic auth, percent-encoding in
 * URLs, JSON escapes, hex from a debug dump or `.hex()`: both cases, as tools differ on which they print).
 */
function appearances(value: string): string[] {
  const forms = new Set<string>([value]);
  if (value.includes('\n')) {
    for (const line of value.split('\n')) {
      const trimmed = line.replace(/\r$/, '').trim();
      if (trimmed.length >= minimumLineLength) forms.add(trimmed);
    }
  }
  const base64 = Buffer.from(value, 'utf8').toString('base64');
  const unpadded = base64.replace(/=+$/, '');
  forms.add(base64);
  // Unpadded, it is also how the value starts in the base64 of value + newline (`printenv X | base64`).
  forms.add(unpadded);
  // `base64` and MIME wrap at 76 columns, `openssl base64` and PEM at 64: a value over 48 bytes (most API
  // keys) comes out in lines, each masked on its own. Both widths are multiples of 4 characters (3 bytes), so
  // each wrapped line is a slice of the one-line form.
  for (const width of [64, 76]) {
    if (unpadded.length <= width) continue;
    for (let at = 0; at < unpadded.length; at += width) {
      const line = unpadded.slice(at, at + width);
      if (line.length >= minimumLineLength) forms.add(line);
    }
  }
  forms.add(Buffer.from(value, 'utf8').toString('base64url'));
  const hex = Buffer.from(value, 'utf8').toString('hex');
  forms.add(hex);
  forms.add(hex.toUpperCase());
  // These throw only on a lone surrogate, which a decrypted value (decoded from UTF-8) cannot hold.
  for (const form of percentEncodings(value)) forms.add(form);
  forms.add(JSON.stringify(value).slice(1, -1));
  return [...forms].filter((form) => form.length >= minimumMaskedLength);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One pass over the text with every form of every value, longest first (so a value containing another is
 * masked whole). An existing `[secret:NAME]` is matched first and kept, so masking twice changes nothing —
 * even for a value that happens to occur inside a marker.
 */
export function secretMask(secrets: Record<string, string>): SecretMask {
  const owners = new Map<string, string>();
  const byLength = Object.entries(secrets).sort(([, a], [, b]) => b.length - a.length);
  for (const [name, value] of byLength) {
    if (value.length < minimumMaskedLength) continue;
    for (const form of appearances(value)) if (!owners.has(form)) owners.set(form, name);
  }
  if (owners.size === 0) return identityMask;
  const forms = [...owners.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`\\[secret:[A-Z0-9_]+\\]|${forms.map(escapeRegExp).join('|')}`, 'g');
  return (text) =>
    text.replace(pattern, (match) => {
      const name = owners.get(match);
      return name === undefined ? match : `[secret:${name}]`;
    });
}
