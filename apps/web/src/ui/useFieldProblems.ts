import { useState } from 'react';
import { focusFirst, type FieldErrors } from './fieldErrors';

/**
 * The problems a form found itself, before sending anything, to show beside their fields. `check` replaces
 * them with what a submit found and focuses the first; it answers whether the form may be sent.
 */
export function useFieldProblems(): [FieldErrors, (form: HTMLFormElement, found: FieldErrors) => boolean] {
  const [problems, setProblems] = useState<FieldErrors>({});
  const check = (form: HTMLFormElement, found: FieldErrors): boolean => {
    setProblems(found);
    const invalid = Object.keys(found);
    focusFirst(form, invalid);
    return invalid.length === 0;
  };
  return [problems, check];
}
