import { UserSecretListSchema, UserSecretSchema, type UserSecret } from '@vaporform/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, apiPath } from '../../platform/api';
import { queryKeys } from '../../platform/queryKeys';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Dialog } from '../../ui/Dialog';
import { ErrorRetry } from '../../ui/ErrorRetry';
import { Loading } from '../../ui/Loading';
import { SecretForm, type SecretInput } from '../../ui/SecretForm';
import { useNotify } from '../../ui/Toasts';
import { formatDateTime } from './format';

/** The names the server reads for a person's own model account (its agent providers). */
const modelKeyNames = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'] as const;

const putSecret = ({ name, value }: SecretInput) =>
  api(apiPath('auth', 'secrets', name), { method: 'PUT', body: { value }, schema: UserSecretSchema });

export function UserSecretsSection() {
  const client = useQueryClient();
  const notify = useNotify();
  const [replacing, setReplacing] = useState<UserSecret | null>(null);
  const [deleting, setDeleting] = useState<UserSecret | null>(null);
  const secrets = useQuery({
    queryKey: queryKeys.userSecrets,
    queryFn: () => api('/api/auth/secrets', { schema: UserSecretListSchema }),
  });
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.userSecrets });
  const saved = (secret: UserSecret) => {
    notify.info(`Secret ${secret.name} saved.`);
    void refresh();
  };
  // Two mutations, so that the add form and the replace dialog each show only their own failure. A
  // mutation keeps its variables (the value) while cached: gcTime 0 and reset() drop it once saved.
  const add = useMutation({ mutationFn: putSecret, gcTime: 0, onSuccess: saved });
  const replace = useMutation({ mutationFn: putSecret, gcTime: 0, onSuccess: saved });
  const remove = useMutation({
    mutationFn: (secret: UserSecret) => api(apiPath('auth', 'secrets', secret.name), { method: 'DELETE' }),
    onSuccess: (_, secret) => {
      notify.info(`Secret ${secret.name} deleted.`);
      setDeleting(null);
    },
    onSettled: () => refresh(),
  });
  const closeReplace = () => {
    setReplacing(null);
    replace.reset();
  };
  const missing = secrets.data
    ? modelKeyNames.filter((name) => !secrets.data.some((secret) => secret.name === name))
    : [];

  return (
    <section className="page-section account-section" aria-labelledby="account-secrets">
      <h2 id="account-secrets">Secrets</h2>
      <p className="page-note">
        Your own keys, stored encrypted and used only for what you do. Set <code>ANTHROPIC_API_KEY</code> or{' '}
        <code>OPENAI_API_KEY</code> to have the AI agent use your own model account for the turns you start
        (the Anthropic key wins when both are set); other people’s turns never use them, and they are not
        added to any project. A saved value cannot be shown again, not even to you: replace it to change it.
      </p>
      <SecretForm
        suggestions={missing}
        submitLabel="Add secret"
        busy={add.isPending}
        error={add.error}
        onSave={(input) => add.mutateAsync(input).then(() => add.reset())}
      />
      {secrets.isPending && <Loading>Loading secrets…</Loading>}
      <ErrorRetry error={secrets.error} onRetry={() => void secrets.refetch()} />
      {secrets.data?.length === 0 && <p className="account-empty">No secrets yet.</p>}
      {secrets.data && secrets.data.length > 0 && (
        <ul className="account-list" aria-label="Secrets">
          {secrets.data.map((secret) => (
            <li key={secret.name} className="account-list-row">
              <div className="account-list-main">
                <span className="account-list-title">
                  <code>{secret.name}</code>
                </span>
                <span className="account-list-meta">
                  updated <time dateTime={secret.updatedAt}>{formatDateTime(secret.updatedAt)}</time> ·
                  version {secret.version}
                </span>
              </div>
              <Button
                variant="secondary"
                aria-label={`Replace value of ${secret.name}`}
                onClick={() => setReplacing(secret)}
              >
                Replace value
              </Button>
              <Button
                variant="secondary"
                aria-label={`Delete secret ${secret.name}`}
                onClick={() => setDeleting(secret)}
              >
                Delete
              </Button>
            </li>
          ))}
        </ul>
      )}
      <Dialog open={replacing !== null} title={`Replace ${replacing?.name ?? ''}`} onClose={closeReplace}>
        {replacing && (
          <SecretForm
            fixedName={replacing.name}
            submitLabel="Replace value"
            busy={replace.isPending}
            error={replace.error}
            onSave={(input) =>
              replace.mutateAsync(input).then(() => {
                replace.reset();
                setReplacing(null);
              })
            }
            onCancel={closeReplace}
          />
        )}
      </Dialog>
      <ConfirmDialog
        subject={deleting}
        title="Delete secret"
        confirm="Delete secret"
        busy={remove.isPending}
        error={remove.error}
        onConfirm={(secret) => remove.mutate(secret)}
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
      >
        {(secret) => (
          <p>
            Delete <code>{secret.name}</code>? Nothing of yours uses it from now on, and its value cannot be
            recovered.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}
