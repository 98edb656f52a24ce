import { PasswordSchema } from '@vaporform/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../platform/api';
import { ApiError } from '../../platform/ApiError';
import { queryKeys } from '../../platform/queryKeys';
import { Button } from '../../ui/Button';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useNotify } from '../../ui/Toasts';
import { fieldErrorsFrom, onlyFieldProblems, type FieldErrors } from './fieldErrors';
import { FormField } from './FormField';

export function PasswordSection() {
  const client = useQueryClient();
  const notify = useNotify();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const change = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      api('/api/auth/password', { method: 'POST', body }),
    onSuccess: () => {
      setCurrentPassword('');
      setNewPassword('');
      setConfirm('');
      notify.info('Password changed. Your other sessions were signed out.');
      void client.invalidateQueries({ queryKey: queryKeys.sessions });
    },
  });
  // A wrong current password is a 403 about that one field: show it there.
  const wrongCurrent = change.error instanceof ApiError && change.error.code === 'forbidden';
  const errors: FieldErrors = {
    ...fieldErrorsFrom(change.error),
    ...(wrongCurrent
      ? { currentPassword: change.error?.message ?? 'The current password is incorrect' }
      : {}),
    ...localErrors,
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    if (currentPassword === '') problems.currentPassword = 'Enter your current password';
    const check = PasswordSchema.safeParse(newPassword);
    if (!check.success) problems.newPassword = check.error.issues[0]?.message ?? 'Choose another password';
    else if (newPassword === currentPassword)
      problems.newPassword = 'Choose a password different from the current one';
    if (confirm !== newPassword) problems.confirm = 'The two new passwords differ';
    setLocalErrors(problems);
    const first = Object.keys(problems)[0];
    if (first) {
      const control = event.currentTarget.elements.namedItem(first);
      if (control instanceof HTMLElement) control.focus();
      return;
    }
    change.mutate({ currentPassword, newPassword });
  };

  return (
    <section className="account-section" aria-labelledby="account-password">
      <h2 id="account-password">Password</h2>
      <p className="account-section-note">
        Changing it signs out every other session; API tokens keep working.
      </p>
      <form className="account-form" onSubmit={submit} noValidate>
        <FormField label="Current password" error={errors.currentPassword}>
          {(control) => (
            <input
              {...control}
              name="currentPassword"
              type="password"
              autoComplete="current-password"
              value={currentPassword}
              onChange={(event) => setCurrentPassword(event.target.value)}
            />
          )}
        </FormField>
        <FormField label="New password" error={errors.newPassword} hint="At least 10 characters.">
          {(control) => (
            <input
              {...control}
              name="newPassword"
              type="password"
              autoComplete="new-password"
              value={newPassword}
              onChange={(event) => setNewPassword(event.target.value)}
            />
          )}
        </FormField>
        <FormField label="Confirm new password" error={errors.confirm}>
          {(control) => (
            <input
              {...control}
              name="confirm"
              type="password"
              autoComplete="new-password"
              value={confirm}
              onChange={(event) => setConfirm(event.target.value)}
            />
          )}
        </FormField>
        {change.error &&
          !wrongCurrent &&
          !onlyFieldProblems(change.error, ['currentPassword', 'newPassword']) && (
            <ErrorNotice error={change.error} />
          )}
        <div className="account-actions">
          <Button type="submit" busy={change.isPending}>
            Change password
          </Button>
        </div>
      </form>
    </section>
  );
}
