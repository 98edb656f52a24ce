import { reservedSlugs, SlugSchema } from '@vaporform/contracts';

/**
 * The slug the server derives from a name when none is given (the same steps as the server's `slugify`),
 * to show the person what their preview address will be.
 */
export function slugFromName(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32)
    .replace(/-+$/g, '');
  const reserved = (reservedSlugs as readonly string[]).includes(base);
  return base === '' || reserved ? `project${base ? `-${base}` : ''}` : base;
}

/** Why a typed slug would be refused, as a sentence; null when it is fine or empty (the slug is optional). */
export function validateSlug(slug: string): string | null {
  if (slug === '') return null;
  const result = SlugSchema.safeParse(slug);
  if (result.success) return null;
  if (/[A-Z]/.test(slug)) return 'The slug must be lower-case';
  return `The slug ${result.error.issues[0]?.message ?? 'is not valid'}`;
}
