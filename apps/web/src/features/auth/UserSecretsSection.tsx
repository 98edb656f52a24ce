import { UserSecretListSchema, UserSecretSchema, type UserSecret } from '@vaporform/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiPath } from '../../platform/api';
import { queryKeys } from '../../platform/queryKeys';
import { ErrorRetry } from '../../ui/ErrorRetry';
import { Loading } from '../../ui/Loading';
import { SecretForm, type SecretInput } from '../../ui/SecretForm';
import { SecretList } from '../../ui/SecretList';
import { useNotify } from '../../ui/Toasts';
import { formatDateTime } from './format';

/** The names the server reads for a person's own model account (its agent providers). */
const modelKeyNames = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'] as const;

const putSecret = ({ name, value }: SecretInput) =>
  api(apiPath('auth', 'secrets', name), { method: 'PUT', body: { value }, schema: UserSecretSchema });

export function UserSecretsSection() {
  const client = useQueryClient();
  const notify = useNotify();
  const secrets = useQuery({
    queryKey: queryKeys.userSecrets,
    queryFn: () => api('/api/auth/secrets', { schema: UserSecretListSchema }),
  });
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.userSecrets });
  const saved = (secret: UserSecret) => {
    notify.info(`Secret ${secret.name} saved.`);
    void refresh();
  };
  // Apart from the list's replace, so that the add form shows only its own failure. A mutation keeps its
  // variables (the value) while cached: gcTime 0 and reset() drop it once saved.
  const add = useMutation({ mutationFn: putSecret, gcTime: 0, onSuccess: saved });
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
      <SecretList
        secrets={secrets.data ?? []}
        label="Secrets"
        meta={(secret) => (
          <>
            updated <time dateTime={secret.updatedAt}>{formatDateTime(secret.updatedAt)}</time> · version{' '}
            {secret.version}
          </>
        )}
        save={putSecret}
        onSaved={saved}
        remove={(secret) => api(apiPath('auth', 'secrets', secret.name), { method: 'DELETE' })}
        onChanged={refresh}
        deleteQuestion={(secret) => (
          <p>
            Delete <code>{secret.name}</code>? Nothing of yours uses it from now on, and its value cannot be
            recovered.
          </p>
        )}
      />
    </section>
  );
}
