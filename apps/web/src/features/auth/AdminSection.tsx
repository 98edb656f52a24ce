import { AuthSettingsSchema, InviteSchema, type SignupMode } from '@vaporform/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../platform/api';
import { Button } from '../../ui/Button';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { fieldErrorsFrom, type FieldErrors } from '../../ui/fieldErrors';
import { InputField } from '../../ui/InputField';
import { Spinner } from '../../ui/Spinner';
import { useNotify } from '../../ui/Toasts';
import { formatDate } from './format';
import { ShownOnce } from './ShownOnce';

const adminSettingsKey = ['admin', 'settings'] as const;

const modes: { value: SignupMode; label: string; help: string }[] = [
  { value: 'open', label: 'Open', help: 'Anyone who can reach this server can create an account.' },
  { value: 'invite', label: 'Invite only', help: 'People need an invite code created below.' },
  { value: 'closed', label: 'Closed', help: 'No new accounts.' },
];

/** The link a new person follows: the sign-up page with the invite code and email filled in. */
export function inviteLink(origin: string, email: string, token: string): string {
  return `${origin}/signup?${new URLSearchParams({ invite: token, email }).toString()}`;
}

export function AdminSection() {
  const client = useQueryClient();
  const notify = useNotify();
  const settings = useQuery({
    queryKey: adminSettingsKey,
    queryFn: () => api('/api/admin/settings', { schema: AuthSettingsSchema }),
  });
  const setMode = useMutation({
    mutationFn: (signupMode: SignupMode) =>
      api('/api/admin/settings', { method: 'PUT', body: { signupMode }, schema: AuthSettingsSchema }),
    onSuccess: (saved) => {
      client.setQueryData(adminSettingsKey, saved);
      notify.info('Sign-up setting saved.');
    },
    onError: (error) => notify.error(error),
  });
  const [email, setEmail] = useState('');
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const invite = useMutation({
    mutationFn: (body: { email: string }) =>
      api('/api/admin/invites', { method: 'POST', body, schema: InviteSchema }),
    onSuccess: () => setEmail(''),
  });
  const errors: FieldErrors = { ...fieldErrorsFrom(invite.error), ...localErrors };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (email.trim() === '') {
      setLocalErrors({ email: 'Enter the email address to invite' });
      return;
    }
    setLocalErrors({});
    invite.mutate({ email: email.trim() });
  };
  const current = setMode.isPending ? setMode.variables : settings.data?.signupMode;

  return (
    <section className="page-section account-section" aria-labelledby="account-admin">
      <h2 id="account-admin">Administration</h2>
      <p className="page-note">You administer this Vaporform server.</p>
      <fieldset
        className="account-pref-row account-signup-mode"
        disabled={!settings.data || setMode.isPending}
      >
        <legend>Who can sign up</legend>
        {settings.isPending && <Spinner />}
        {settings.error && <ErrorNotice error={settings.error} />}
        {settings.data && (
          <div className="account-radio-list">
            {modes.map((mode) => (
              <label key={mode.value} className="account-radio">
                <input
                  type="radio"
                  name="signupMode"
                  value={mode.value}
                  checked={current === mode.value}
                  onChange={() => setMode.mutate(mode.value)}
                />
                <span>
                  <strong>{mode.label}</strong> <span className="account-list-meta">{mode.help}</span>
                </span>
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <h3>Invite someone</h3>
      {invite.data ? (
        <ShownOnce
          title={
            <>
              <strong>Invite for {invite.data.email} created</strong> (valid until{' '}
              {formatDate(invite.data.expiresAt)}).
            </>
          }
          warning="Send this link to them; it is shown only now."
          label="Invite link"
          value={inviteLink(location.origin, invite.data.email, invite.data.token)}
          onDone={() => invite.reset()}
        />
      ) : (
        <form className="account-form account-inline-form" onSubmit={submit} noValidate>
          <InputField
            label="Email to invite"
            error={errors.email}
            name="email"
            type="email"
            value={email}
            onValue={setEmail}
          />
          <Button type="submit" busy={invite.isPending} className="account-inline-submit">
            Create invite
          </Button>
        </form>
      )}
      {invite.error && !errors.email && <ErrorNotice error={invite.error} />}
    </section>
  );
}
