import { PasswordSchema } from '@vaporform/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../platform/api';
import { ApiError } from '../../platform/ApiError';
import { queryKeys } from '../../platform/queryKeys';
import { Button } from '../../ui/Button';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { fieldErrorsFrom, onlyFieldProblems, type FieldErrors } from '../../ui/fieldErrors';
import { InputField } from '../../ui/InputField';
import { useNotify } from '../../ui/Toasts';
import { useFieldProblems } from '../../ui/useFieldProblems';

export function PasswordSection() {
  const client = useQueryClient();
  const notify = useNotify();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [localErrors, check] = useFieldProblems();
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
    const strength = PasswordSchema.safeParse(newPassword);
    if (!strength.success)
      problems.newPassword = strength.error.issues[0]?.message ?? 'Choose another password';
    else if (newPassword === currentPassword)
      problems.newPassword = 'Choose a password different from the current one';
    if (confirm !== newPassword) problems.confirm = 'The two new passwords differ';
    if (!check(event.currentTarget, problems)) return;
    change.mutate({ currentPassword, newPassword });
  };

  return (
    <section className="page-section account-section" aria-labelledby="account-password">
      <h2 id="account-password">Password</h2>
      <p className="page-note">Changing it signs out every other session; API tokens keep working.</p>
      <form className="account-form" onSubmit={submit} noValidate>
        <InputField
          label="Current password"
          error={errors.currentPassword}
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onValue={setCurrentPassword}
        />
        <InputField
          label="New password"
          error={errors.newPassword}
          hint="At least 10 characters."
          name="newPassword"
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onValue={setNewPassword}
        />
        <InputField
          label="Confirm new password"
          error={errors.confirm}
          name="confirm"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onValue={setConfirm}
        />
        {change.error &&
          !wrongCurrent &&
          !onlyFieldProblems(change.error, ['currentPassword', 'newPassword']) && (
            <ErrorNotice error={change.error} />
          )}
        <div className="page-actions">
          <Button type="submit" busy={change.isPending}>
            Change password
          </Button>
        </div>
      </form>
    </section>
  );
}
