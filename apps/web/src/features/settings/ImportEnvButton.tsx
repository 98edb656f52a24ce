import { ImportSecretsResultSchema, type ImportSecretsResult, type Project } from '@vaporform/contracts';
import { useMutation } from '@tanstack/react-query';
import { api, apiPath } from '../../platform/api';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { useNotify } from '../../ui/Toasts';

/**
 * "Import .env": asks the server what the workspace's `.env` holds (a preview changes nothing), shows the
 * names, and on confirmation moves the values into secrets and out of the file. Values never reach the page.
 */
export function ImportEnvButton({ project, onImported }: { project: Project; onImported: () => void }) {
  const notify = useNotify();
  const importEnv = (confirm: boolean) =>
    api(apiPath('projects', project.id, 'secrets', 'import'), {
      method: 'POST',
      body: { confirm },
      schema: ImportSecretsResultSchema,
    });
  const preview = useMutation({
    mutationFn: () => importEnv(false),
    onSuccess: (result) => {
      if (result.variables.length === 0) notify.info(`${result.path} holds no variables to import.`);
    },
    onError: (error) => notify.error(error),
  });
  const apply = useMutation({
    mutationFn: () => importEnv(true),
    onSuccess: (result) => {
      notify.info(
        `Moved ${result.variables.length === 1 ? '1 value' : `${result.variables.length} values`} from ${result.path} into secrets. Restart the container to use them.`,
      );
      preview.reset();
      onImported();
    },
  });
  const found: ImportSecretsResult | null =
    preview.data && preview.data.variables.length > 0 ? preview.data : null;
  return (
    <>
      <Button variant="secondary" busy={preview.isPending} onClick={() => preview.mutate()}>
        Import .env
      </Button>
      <ConfirmDialog
        subject={found}
        title={`Move ${found?.path ?? '.env'} into secrets?`}
        confirm="Import and remove from the file"
        busy={apply.isPending}
        error={apply.error}
        onConfirm={() => apply.mutate()}
        onCancel={() => {
          preview.reset();
          apply.reset();
        }}
      >
        {(result) => (
          <>
            <p>
              These variables become project secrets and their lines are removed from the file (other lines
              stay as they are):
            </p>
            <ul className="settings-import-list">
              {result.variables.map((variable) => (
                <li key={variable.name}>
                  <code>{variable.name}</code>
                  {variable.exists && <span className="settings-help"> replaces the existing secret</span>}
                </li>
              ))}
            </ul>
          </>
        )}
      </ConfirmDialog>
    </>
  );
}
