import type { Project } from '@vaporform/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, apiPath } from '../../platform/api';
import { queryKeys } from '../../platform/queryKeys';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { InputField } from '../../ui/InputField';
import { useNotify } from '../../ui/Toasts';
import './dashboard.css';

/** Deleting cannot be undone, so the person types the project's name to confirm it. */
export function DeleteProjectDialog({
  project,
  open,
  onClose,
  onDeleted,
}: {
  project: Pick<Project, 'id' | 'name'>;
  open: boolean;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const client = useQueryClient();
  const notify = useNotify();
  const [typed, setTyped] = useState('');
  const remove = useMutation({
    mutationFn: () => api(apiPath('projects', project.id), { method: 'DELETE' }),
    onSuccess: () => {
      client.setQueryData<Project[]>(queryKeys.projects, (list) => list?.filter((p) => p.id !== project.id));
      client.removeQueries({ queryKey: queryKeys.project(project.id) });
      void client.invalidateQueries({ queryKey: queryKeys.projects, exact: true });
      notify.info(`Deleted “${project.name}”.`);
      setTyped('');
      onDeleted?.();
      onClose();
    },
  });
  const matches = typed === project.name;
  const close = () => {
    if (remove.isPending) return;
    setTyped('');
    remove.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (matches && !remove.isPending) remove.mutate();
  };
  return (
    <Dialog open={open} title={`Delete ${project.name}?`} onClose={close}>
      <form className="delete-project" onSubmit={submit}>
        <p>
          This deletes the project for everyone: its files, checkpoints, container and preview. It cannot be
          undone.
        </p>
        <InputField
          label={`Type ${project.name} to confirm`}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onValue={setTyped}
        />
        <ErrorNotice error={remove.error} />
        <div className="dialog-actions">
          <Button variant="secondary" onClick={close} disabled={remove.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={!matches} busy={remove.isPending}>
            Delete project
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
