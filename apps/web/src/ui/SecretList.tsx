import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Button } from './Button';
import { ConfirmDialog } from './ConfirmDialog';
import { Dialog } from './Dialog';
import { SecretForm, type SecretInput } from './SecretForm';
import { useNotify } from './Toasts';
import './secrets.css';

/** What a listed secret shows of itself: never a value, which the server does not send back. */
export interface ListedSecret {
  name: string;
  /** A project secret's scope: a replace starts from it so that it is not dropped unseen. */
  environment?: string | null;
}

/**
 * Saved secrets by name, each with Replace value and Delete behind a dialog. The account's own secrets
 * and a project's share it; what differs (where they live, what deleting one means) is passed in.
 */
export function SecretList<T extends ListedSecret>({
  secrets,
  label,
  editable = true,
  withEnvironment = false,
  badge,
  meta,
  save,
  onSaved,
  remove,
  onChanged,
  deleteQuestion,
}: {
  secrets: readonly T[];
  /** The list's accessible name. */
  label: string;
  /** False hides Replace and Delete from those who may only read (the server refuses them anyway). */
  editable?: boolean;
  withEnvironment?: boolean;
  /** Shown after the name, e.g. the environment. */
  badge?: (secret: T) => ReactNode;
  /** The line under the name: version, when and by whom. */
  meta: (secret: T) => ReactNode;
  save: (input: SecretInput) => Promise<T>;
  onSaved: (secret: T) => void;
  remove: (secret: T) => Promise<unknown>;
  /** After a delete, whether it worked or not: refetches the list; the delete stays busy until then. */
  onChanged: () => Promise<unknown>;
  /** The delete dialog's question, saying what losing that secret means. */
  deleteQuestion: (secret: T) => ReactNode;
}) {
  const notify = useNotify();
  const [replacing, setReplacing] = useState<T | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  // Apart from the add form's mutation, so that the replace dialog shows only its own failure. A mutation
  // keeps its variables (the value) while cached: gcTime 0 and reset() drop it once saved.
  const replace = useMutation({ mutationFn: save, gcTime: 0, onSuccess: onSaved });
  const removal = useMutation({
    mutationFn: remove,
    onSuccess: (_, secret) => {
      notify.info(`Secret ${secret.name} deleted.`);
      setDeleting(null);
    },
    onSettled: () => onChanged(),
  });
  const closeReplace = () => {
    setReplacing(null);
    replace.reset();
  };

  return (
    <>
      {secrets.length > 0 && (
        <ul className="secret-list" aria-label={label}>
          {secrets.map((secret) => (
            <li key={secret.name} className="secret-list-row">
              <span className="secret-list-main">
                <span className="secret-list-name">
                  <code>{secret.name}</code>
                  {badge?.(secret)}
                </span>
                <span className="secret-list-meta">{meta(secret)}</span>
              </span>
              {editable && (
                <span className="secret-list-actions">
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
            withEnvironment={withEnvironment}
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
        busy={removal.isPending}
        error={removal.error}
        onConfirm={(secret) => removal.mutate(secret)}
        onCancel={() => {
          setDeleting(null);
          removal.reset();
        }}
      >
        {deleteQuestion}
      </ConfirmDialog>
    </>
  );
}
