import {
  ProjectSecretListSchema,
  ProjectSecretSchema,
  type Project,
  type ProjectSecret,
} from '@vaporform/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiPath } from '../../platform/api';
import { can } from '../../platform/projects';
import { queryKeys } from '../../platform/queryKeys';
import { ErrorRetry } from '../../ui/ErrorRetry';
import { Loading } from '../../ui/Loading';
import { SecretForm, type SecretInput } from '../../ui/SecretForm';
import { SecretList } from '../../ui/SecretList';
import { ImportEnvButton } from './ImportEnvButton';
import { useNotify } from '../../ui/Toasts';

const updatedFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "updated 3 Mar 2025, 14:02 by Ann"; the author is gone when their account was deleted. */
function updatedNote(secret: ProjectSecret) {
  return (
    <>
      updated <time dateTime={secret.updatedAt}>{updatedFormat.format(new Date(secret.updatedAt))}</time>
      {secret.updatedBy ? ` by ${secret.updatedBy.name}` : ''}
    </>
  );
}

/**
 * The project's secrets, for members who may list them (write and up: names alone tell which services a
 * project talks to). Only admins set or delete them; the server enforces both, this only hides controls.
 */
export function ProjectSecretsSection({ project }: { project: Project }) {
  const client = useQueryClient();
  const notify = useNotify();
  const isAdmin = can(project, 'admin');
  const secretsKey = queryKeys.projectSecrets(project.id);
  const secrets = useQuery({
    queryKey: secretsKey,
    queryFn: () => api(apiPath('projects', project.id, 'secrets'), { schema: ProjectSecretListSchema }),
  });
  const refresh = () => client.invalidateQueries({ queryKey: secretsKey, exact: true });
  const putSecret = ({ name, value, environment }: SecretInput) =>
    api(apiPath('projects', project.id, 'secrets', name), {
      method: 'PUT',
      body: { value, ...(environment ? { environment } : {}) },
      schema: ProjectSecretSchema,
    });
  const saved = (secret: ProjectSecret) => {
    notify.info(`Secret ${secret.name} saved. Restart the container to use it.`);
    void refresh();
  };
  // Apart from the list's replace, so that the add form shows only its own failure. A mutation keeps its
  // variables (the value) while cached: gcTime 0 and reset() drop it once saved.
  const add = useMutation({ mutationFn: putSecret, gcTime: 0, onSuccess: saved });
  const list = [...(secrets.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <section className="page-section settings-section" aria-labelledby="settings-secrets">
      <h2 id="settings-secrets">Secrets</h2>
      <p className="page-note">
        Values the app needs but the code should not hold, like <code>DATABASE_URL</code> or an API key. They
        are stored encrypted and become environment variables of the project’s container when it next starts:
        restart the container after a change. A secret scoped to an environment (like <code>production</code>)
        is given only to that environment. Values are write-only: nobody can read one back here, not even an
        admin.
      </p>
      {!isAdmin && <p className="settings-help">Only project admins can add, replace or delete secrets.</p>}
      {isAdmin && <ImportEnvButton project={project} onImported={() => void refresh()} />}
      {isAdmin && (
        <SecretForm
          withEnvironment
          submitLabel="Add secret"
          busy={add.isPending}
          error={add.error}
          onSave={(input) => add.mutateAsync(input).then(() => add.reset())}
        />
      )}
      {secrets.isPending && <Loading>Loading secrets…</Loading>}
      <ErrorRetry error={secrets.error} onRetry={() => void secrets.refetch()} />
      {secrets.data?.length === 0 && <p className="settings-help">No secrets yet.</p>}
      <SecretList
        secrets={list}
        label="Project secrets"
        editable={isAdmin}
        withEnvironment
        badge={(secret) => (
          <span className="settings-badge">{secret.environment ?? 'every environment'}</span>
        )}
        meta={(secret) => (
          <>
            version {secret.version} · {updatedNote(secret)}
          </>
        )}
        save={putSecret}
        onSaved={saved}
        remove={(secret) =>
          api(apiPath('projects', project.id, 'secrets', secret.name), { method: 'DELETE' })
        }
        onChanged={refresh}
        deleteQuestion={(secret) => (
          <p>
            Delete <code>{secret.name}</code> from {project.name}? The container keeps it until it restarts;
            after that the app no longer gets it. Its value cannot be recovered.
          </p>
        )}
      />
    </section>
  );
}
