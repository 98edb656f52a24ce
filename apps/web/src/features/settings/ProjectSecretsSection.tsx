import {
  ProjectSecretListSchema,
  ProjectSecretSchema,
  type Project,
  type ProjectSecret,
} from '@vaporform/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, apiPath } from '../../platform/api';
import { can } from '../../platform/projects';
import { queryKeys } from '../../platform/queryKeys';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Dialog } from '../../ui/Dialog';
import { ErrorRetry } from '../../ui/ErrorRetry';
import { Loading } from '../../ui/Loading';
import { SecretForm, type SecretInput } from '../../ui/SecretForm';
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
  const [replacing, setReplacing] = useState<ProjectSecret | null>(null);
  const [deleting, setDeleting] = useState<ProjectSecret | null>(null);
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
  // Two mutations, so that the add form and the replace dialog each show only their own failure. A
  // mutation keeps its variables (the value) while cached: gcTime 0 and reset() drop it once saved.
  const add = useMutation({ mutationFn: putSecret, gcTime: 0, onSuccess: saved });
  const replace = useMutation({ mutationFn: putSecret, gcTime: 0, onSuccess: saved });
  const remove = useMutation({
    mutationFn: (secret: ProjectSecret) =>
      api(apiPath('projects', project.id, 'secrets', secret.name), { method: 'DELETE' }),
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
      {list.length > 0 && (
        <ul className="settings-secrets" aria-label="Project secrets">
          {list.map((secret) => (
            <li key={secret.name} className="settings-secret">
              <span className="settings-secret-main">
                <span className="settings-secret-name">
                  <code>{secret.name}</code>
                  <span className="settings-badge">{secret.environment ?? 'every environment'}</span>
                </span>
                <span className="settings-secret-meta">
                  version {secret.version} · {updatedNote(secret)}
                </span>
              </span>
              {isAdmin && (
                <span className="settings-secret-actions">
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
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <Dialog open={replacing !== null} title={`Replace ${replacing?.name ?? ''}`} onClose={closeReplace}>
        {replacing && (
          <SecretForm
            fixedName={replacing.name}
            withEnvironment
            // A replace sets the scope too: start from the current one so that it is not dropped unseen.
            initialEnvironment={replacing.environment}
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
            Delete <code>{secret.name}</code> from {project.name}? The container keeps it until it restarts;
            after that the app no longer gets it. Its value cannot be recovered.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}
