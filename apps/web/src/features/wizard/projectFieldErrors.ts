import { ApiError } from '../../platform/ApiError';
import { fieldErrorsFrom, type FieldErrors } from '../../ui/fieldErrors';

/** The server's validation issues on a project form by field, and a taken slug (409) beside the slug. */
export function projectFieldErrors(error: unknown): FieldErrors {
  const errors = fieldErrorsFrom(error);
  if (error instanceof ApiError && error.code === 'conflict' && /slug/i.test(error.message)) {
    errors.slug = error.message;
  }
  return errors;
}
