import { SlugSchema } from '@vaporform/contracts';

/** Why a typed slug would be refused, as a sentence; null when it is fine or empty (the slug is optional). */
export function validateSlug(slug: string): string | null {
  if (slug === '') return null;
  const result = SlugSchema.safeParse(slug);
  if (result.success) return null;
  if (/[A-Z]/.test(slug)) return 'The slug must be lower-case';
  return `The slug ${result.error.issues[0]?.message ?? 'is not valid'}`;
}
