import {
  CheckpointDiffSchema,
  CheckpointListSchema,
  CheckpointSchema,
  RestoreResultSchema,
  type Checkpoint,
  type Project,
} from '@vaporform/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, apiPath } from '../../platform/api';
import { useProjectEvents } from '../../platform/projectEvents';
import { can } from '../../platform/projects';
import { queryKeys } from '../../platform/queryKeys';
import { Button, IconButton } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Spinner } from '../../ui/Spinner';
import { useNotify } from '../../ui/Toasts';
import { useEditors } from '../editor';
import { relativeTime, summaryOf } from './relativeTime';
import './checkpoints.css';

const short = (id: string) => id.slice(0, 7);
const statusLetter = { added: 'A', modified: 'M', deleted: 'D', renamed: 'R' } as const;

/** The project's checkpoints, newest first: create one, see what changed since one, restore one. */
export function CheckpointsView({ project }: { project: Project }) {
  const projectId = project.id;
  const client = useQueryClient();
  const notify = useNotify();
  const editors = useEditors();
  const canWrite = can(project, 'write');
  const [message, setMessage] = useState('');
  const [expanded, setExpanded] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<Checkpoint | null>(null);

  const list = useQuery({
    queryKey: queryKeys.checkpoints(projectId),
    queryFn: () => api(apiPath('projects', projectId, 'checkpoints'), { schema: CheckpointListSchema }),
  });
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.checkpoints(projectId) });

  // The agent checkpoints every turn; a reconnect may have missed some.
  useProjectEvents(projectId, {
    event: (event) => {
      if (event.name === 'claude.response') void refresh();
    },
    subscribed: () => void refresh(),
  });

  const create = useMutation({
    mutationFn: (text: string) =>
      api(apiPath('projects', projectId, 'checkpoints'), {
        method: 'POST',
        body: text.trim() ? { message: text.trim() } : {},
        schema: CheckpointSchema,
      }),
    onSuccess: (checkpoint) => {
      setMessage('');
      notify.info(`Checkpoint ${short(checkpoint.id)} created.`);
      void refresh();
    },
    onError: (error) => notify.error(error),
  });

  const restore = useMutation({
    mutationFn: (checkpoint: Checkpoint) =>
      api(apiPath('projects', projectId, 'checkpoints', checkpoint.id, 'restore'), {
        method: 'POST',
        schema: RestoreResultSchema,
      }),
    onSuccess: (result) => {
      setRestoring(null);
      const title = summaryOf(result.restored.message).title;
      notify.info(
        result.safetyCheckpoint
          ? `Restored “${title}”. The previous state was saved as checkpoint ${short(result.safetyCheckpoint.id)}.`
          : `Restored “${title}”.`,
      );
      void refresh();
      void client.invalidateQueries({ queryKey: queryKeys.tree(projectId) });
      editors.revalidate?.();
    },
    onError: (error) => notify.error(error),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(message);
  };

  const checkpoints = list.data ?? [];
  const unsaved = editors.dirtyPaths.size;

  return (
    <div className="side-view checkpoints">
      <div className="side-view-header">
        <IconButton label="Refresh Checkpoints" onClick={() => void refresh()}>
          ↻
        </IconButton>
      </div>
      {canWrite && (
        <form className="checkpoints-create" onSubmit={submit}>
          <input
            aria-label="Checkpoint message"
            placeholder="Message (optional)"
            value={message}
            maxLength={500}
            onChange={(event) => setMessage(event.target.value)}
          />
          <Button type="submit" busy={create.isPending}>
            Create Checkpoint
          </Button>
        </form>
      )}
      {list.isPending && (
        <div className="checkpoints-note">
          <Spinner label="Loading checkpoints" />
        </div>
      )}
      <ErrorNotice error={list.error} />
      {list.isSuccess && checkpoints.length === 0 && (
        <p className="checkpoints-note">No checkpoints yet. Create one to have a point to come back to.</p>
      )}
      <ol className="checkpoints-list" aria-label="Checkpoints">
        {checkpoints.map((checkpoint) => {
          const { title, body } = summaryOf(checkpoint.message);
          const open = expanded === checkpoint.id;
          return (
            <li key={checkpoint.id} className="checkpoint" aria-label={title}>
              <div className="checkpoint-summary">
                <div className="checkpoint-text">
                  <span className="checkpoint-message" title={checkpoint.message}>
                    {title}
                  </span>
                  <span className="checkpoint-meta">
                    <span>{checkpoint.author.name || checkpoint.author.email}</span>
                    <time
                      dateTime={checkpoint.createdAt}
                      title={new Date(checkpoint.createdAt).toLocaleString()}
                    >
                      {relativeTime(checkpoint.createdAt)}
                    </time>
                    <code>{short(checkpoint.id)}</code>
                  </span>
                  {body && <span className="checkpoint-body">{body}</span>}
                </div>
                <div className="checkpoint-actions">
                  <Button
                    variant="secondary"
                    aria-expanded={open}
                    aria-label={`Show changes since ${title}`}
                    onClick={() => setExpanded(open ? null : checkpoint.id)}
                    title="Files changed since this checkpoint"
                  >
                    Changes
                  </Button>
                  {canWrite && (
                    <Button
                      variant="secondary"
                      aria-label={`Restore ${title}`}
                      onClick={() => setRestoring(checkpoint)}
                    >
                      Restore
                    </Button>
                  )}
                </div>
              </div>
              {open && (
                <CheckpointChanges
                  projectId={projectId}
                  checkpoint={checkpoint}
                  onOpen={(path) => editors.openDiff({ path, from: checkpoint.id })}
                />
              )}
            </li>
          );
        })}
      </ol>
      <ConfirmDialog
        subject={restoring}
        title="Restore checkpoint?"
        confirm="Restore"
        busy={restore.isPending}
        error={restore.error}
        onConfirm={(checkpoint) => restore.mutate(checkpoint)}
        onCancel={() => setRestoring(null)}
      >
        {(checkpoint) => (
          <>
            <p>
              The project&apos;s files will be put back as they were at{' '}
              <strong>{summaryOf(checkpoint.message).title}</strong> (
              {new Date(checkpoint.createdAt).toLocaleString()}): files changed since are reverted and files
              added since are removed.
            </p>
            <p>
              A safety checkpoint of the current files is made first, so you can undo this by restoring that
              one.
            </p>
            {unsaved > 0 && (
              <p className="checkpoints-warning" role="alert">
                {unsaved} open file{unsaved === 1 ? ' has' : 's have'} unsaved changes, which are not part of
                the safety checkpoint.{' '}
                <Button variant="secondary" onClick={() => void editors.saveAll()}>
                  Save All First
                </Button>
              </p>
            )}
          </>
        )}
      </ConfirmDialog>
    </div>
  );
}

function CheckpointChanges({
  projectId,
  checkpoint,
  onOpen,
}: {
  projectId: string;
  checkpoint: Checkpoint;
  onOpen: (path: string) => void;
}) {
  const diff = useQuery({
    queryKey: [...queryKeys.checkpoints(projectId), 'diff', checkpoint.id],
    queryFn: () =>
      api(
        `${apiPath('projects', projectId, 'checkpoints', 'diff')}?from=${encodeURIComponent(checkpoint.id)}&to=workspace`,
        {
          schema: CheckpointDiffSchema,
        },
      ),
    // The workspace moves on; look again whenever the list is opened.
    staleTime: 0,
  });
  if (diff.isPending) {
    return (
      <div className="checkpoint-changes">
        <Spinner label="Loading changes" />
      </div>
    );
  }
  if (diff.isError) return <ErrorNotice error={diff.error} />;
  const files = [...diff.data.files].sort((a, b) => a.path.localeCompare(b.path));
  return (
    <div className="checkpoint-changes">
      <p className="checkpoint-changes-title">
        {files.length === 0
          ? 'No files have changed since this checkpoint.'
          : `${files.length} file${files.length === 1 ? '' : 's'} changed since this checkpoint. Open one to compare it with the current version.`}
      </p>
      <ul className="checkpoint-files" aria-label={`Files changed since ${short(checkpoint.id)}`}>
        {files.map((file) => (
          <li key={file.path}>
            <button
              type="button"
              className="checkpoint-file"
              data-status={file.status}
              title={`${file.path} (${file.status})`}
              onClick={() => onOpen(file.path)}
            >
              <span className="checkpoint-file-name">{file.path.slice(file.path.lastIndexOf('/') + 1)}</span>
              <span className="checkpoint-file-folder">
                {file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : ''}
              </span>
              {file.additions !== null && (
                <span className="checkpoint-file-stat">
                  <span className="checkpoint-add">+{file.additions}</span>{' '}
                  <span className="checkpoint-del">−{file.deletions}</span>
                </span>
              )}
              <span className="checkpoint-file-status" aria-label={file.status}>
                {statusLetter[file.status]}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
