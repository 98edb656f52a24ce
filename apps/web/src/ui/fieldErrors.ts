import type { z } from 'zod';
import { ApiError } from '../platform/ApiError';

export type FieldErrors = Partial<Record<string, string>>;

/** `body.email` → `email`: the server names where in the request a problem was. */
function fieldName(path: string): string {
  const parts = path.split('.').filter(Boolean);
  if (parts[0] === 'body' || parts[0] === 'request') parts.shift();
  return parts.join('.');
}

/** The server's field-level validation issues by field name (the first message per field). */
export function fieldErrorsFrom(error: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!(error instanceof ApiError)) return errors;
  for (const issue of error.issues) {
    const name = fieldName(issue.path);
    if (name && errors[name] === undefined) errors[name] = issue.message;
  }
  return errors;
}

/** The same shape from a local zod check, so a form can show problems before it sends anything. */
export function fieldErrorsFromZod(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const name = issue.path.map(String).join('.');
    if (errors[name] === undefined) errors[name] = issue.message;
  }
  return errors;
}

/** True when every problem of the error is shown beside a field, so no banner needs to repeat them. */
export function onlyFieldProblems(error: unknown, fields: readonly string[]): boolean {
  if (!(error instanceof ApiError) || error.issues.length === 0) return false;
  return error.issues.every((issue) => fields.includes(fieldName(issue.path)));
}

/** Focuses the first of the named controls the form has, so keyboard users land on what to fix. */
export function focusFirst(form: HTMLFormElement, names: readonly string[]): void {
  for (const name of names) {
    const control = form.elements.namedItem(name);
    if (control instanceof HTMLElement) {
      control.focus();
      return;
    }
  }
}
