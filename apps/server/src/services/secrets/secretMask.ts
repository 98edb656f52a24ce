/** Replaces secret values in a text with `[secret:NAME]`. */
export type SecretMask = (text: string) => string;

/** Shorter values are left alone: masking `dev` or `1` would blank out ordinary words and numbers. */
export const minimumMaskedLength = 4;
/** A line of a multi-line value (a PEM key, say) is masked on its own from this length. */
const minimumLineLength = 8;

/** Masks nothing: a project without secrets. */
export const identityMask: SecretMask = (text) => text;

/**
 * What a value may look like in output: itself, each long line of it (output split into log lines, or a
 * terminal's `\r\n`), and the encodings a program prints it in (base64 in Basic auth, percent-encoding in
 * URLs, JSON escapes).
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
  forms.add(base64);
  forms.add(base64.replace(/=+$/, ''));
  forms.add(Buffer.from(value, 'utf8').toString('base64url'));
  forms.add(encodeURIComponent(value));
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
