import { CreatedTokenSchema, TokenListSchema, type ApiToken } from '@vaporform/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, apiPath } from '../../platform/api';
import { queryKeys } from '../../platform/queryKeys';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ErrorRetry } from '../../ui/ErrorRetry';
import { fieldErrorsFrom, type FieldErrors } from '../../ui/fieldErrors';
import { FormField } from '../../ui/FormField';
import { InputField } from '../../ui/InputField';
import { Loading } from '../../ui/Loading';
import { useNotify } from '../../ui/Toasts';
import { useFieldProblems } from '../../ui/useFieldProblems';
import { formatDate, formatDateTime } from './format';
import { ShownOnce } from './ShownOnce';

const expiryChoices = [
  ['', 'Never'],
  ['30', '30 days'],
  ['90', '90 days'],
  ['365', '1 year'],
] as const;

function tokenStatus(token: ApiToken, now: number): string {
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return `expired ${formatDate(token.expiresAt)}`;
  return token.expiresAt ? `expires ${formatDate(token.expiresAt)}` : 'never expires';
}

export function TokensSection() {
  const client = useQueryClient();
  const notify = useNotify();
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<string>('');
  const [localErrors, check] = useFieldProblems();
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [now] = useState(() => Date.now());
  const tokens = useQuery({
    queryKey: queryKeys.tokens,
    queryFn: () => api('/api/auth/tokens', { schema: TokenListSchema }),
  });
  const create = useMutation({
    mutationFn: (body: { name: string; expiresInDays?: number }) =>
      api('/api/auth/tokens', { method: 'POST', body, schema: CreatedTokenSchema }),
    onSuccess: () => {
      setName('');
      void client.invalidateQueries({ queryKey: queryKeys.tokens });
    },
  });
  const revoke = useMutation({
    mutationFn: (token: ApiToken) => api(apiPath('auth', 'tokens', token.id), { method: 'DELETE' }),
    onSuccess: (_, token) => {
      notify.info(`Token “${token.name}” revoked.`);
      setRevoking(null);
    },
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.tokens }),
  });
  const errors: FieldErrors = { ...fieldErrorsFrom(create.error), ...localErrors };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = name.trim();
    const problems =
      trimmed === '' ? { name: 'Name the token after where it is used, e.g. “CI deploy”' } : {};
    if (!check(event.currentTarget, problems)) return;
    create.mutate({ name: trimmed, ...(expiry ? { expiresInDays: Number(expiry) } : {}) });
  };
  return (
    <section className="page-section account-section" aria-labelledby="account-tokens">
      <h2 id="account-tokens">API tokens</h2>
      <p className="page-note">
        Scripts and tools use a token instead of your password: send it as{' '}
        <code>Authorization: Bearer &lt;token&gt;</code>. A token can do everything you can.
      </p>
      {create.data ? (
        <ShownOnce
          title={<strong>Token “{create.data.apiToken.name}” created.</strong>}
          warning="Copy it now: this is the only time it is shown. Store it like a password; anyone holding it acts as you."
          label="New API token"
          value={create.data.token}
          onDone={() => create.reset()}
        />
      ) : (
        <form className="account-form account-inline-form" onSubmit={submit} noValidate>
          <InputField
            label="Token name"
            error={errors.name}
            name="name"
            maxLength={100}
            placeholder="e.g. CI deploy"
            value={name}
            onValue={setName}
          />
          <FormField label="Expires" error={errors.expiresInDays}>
            {(control) => (
              <select
                {...control}
                name="expiresInDays"
                value={expiry}
                onChange={(event) => setExpiry(event.target.value)}
              >
                {expiryChoices.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <Button type="submit" busy={create.isPending} className="account-inline-submit">
            Create token
          </Button>
        </form>
      )}
      {create.error && !errors.name && <ErrorNotice error={create.error} />}
      {tokens.isPending && <Loading>Loading tokens…</Loading>}
      <ErrorRetry error={tokens.error} onRetry={() => void tokens.refetch()} />
      {tokens.data?.length === 0 && <p className="account-empty">No tokens yet.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <ul className="account-list" aria-label="API tokens">
          {tokens.data.map((token) => (
            <li key={token.id} className="account-list-row">
              <div className="account-list-main">
                <span className="account-list-title">
                  {token.name} <code className="account-token-prefix">{token.prefix}…</code>
                </span>
                <span className="account-list-meta">
                  created {formatDate(token.createdAt)} ·{' '}
                  {token.lastUsedAt ? `last used ${formatDateTime(token.lastUsedAt)}` : 'never used'} ·{' '}
                  {tokenStatus(token, now)}
                </span>
              </div>
              <Button
                variant="secondary"
                aria-label={`Revoke token ${token.name}`}
                onClick={() => setRevoking(token)}
              >
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
      <Dialog
        open={revoking !== null}
        title="Revoke API token"
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
      >
        <p>Revoke “{revoking?.name}”? Scripts using it stop working at once. This cannot be undone.</p>
        <ErrorNotice error={revoke.error} />
        <div className="dialog-actions">
          <Button variant="secondary" onClick={() => setRevoking(null)}>
            Cancel
          </Button>
          <Button
            variant="danger"
            busy={revoke.isPending}
            onClick={() => revoking && revoke.mutate(revoking)}
          >
            Yes, revoke it
          </Button>
        </div>
      </Dialog>
    </section>
  );
}
