import { UserResponseSchema, type User } from '@vaporform/contracts';
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useLocation, useSearch } from 'wouter';
import { api } from '../../platform/api';
import { queryKeys } from '../../platform/queryKeys';
import { useMe } from '../../platform/session';
import { fieldErrorsFrom, type FieldErrors } from '../../ui/fieldErrors';
import { useFieldProblems } from '../../ui/useFieldProblems';
import { nextPathFrom } from './nextPath';

/** Someone else may have used this tab before: forget their answers, keep the new user without a refetch. */
function signedIn(client: QueryClient, user: User): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.me[0] });
  client.setQueryData(queryKeys.me, user);
}

/**
 * What the log-in and sign-up forms share: the request that signs in, going on to `?next=` after it, and
 * the problems to show beside the fields (the form's own checks over the server's).
 */
export function useAuthForm<Body>(path: '/api/auth/login' | '/api/auth/signup') {
  const search = useSearch();
  const next = nextPathFrom(search);
  const { user } = useMe();
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const [localErrors, check] = useFieldProblems();
  const request = useMutation({
    mutationFn: (body: Body) => api(path, { method: 'POST', body, schema: UserResponseSchema }),
    onSuccess: ({ user: signedInUser }) => {
      signedIn(client, signedInUser);
      navigate(next, { replace: true });
    },
  });
  const errors: FieldErrors = { ...fieldErrorsFrom(request.error), ...localErrors };
  /** Shows what `problems` found; sends `body()` only when it found nothing. */
  const submit = (event: FormEvent<HTMLFormElement>, problems: FieldErrors, body: () => Body) => {
    event.preventDefault();
    if (check(event.currentTarget, problems)) request.mutate(body());
  };
  return {
    search,
    next,
    /** Already signed in, and not by this form: there is nothing to do here. */
    signedInBefore: Boolean(user) && request.isIdle,
    request,
    errors,
    submit,
  };
}
