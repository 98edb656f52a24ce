import type { Project, User } from '@vaporform/contracts';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../../platform/ApiError';
import { can, useProject } from '../../platform/projects';
import { useUser } from '../../platform/session';
import { Button } from '../../ui/Button';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Loading } from '../../ui/Loading';
import { Page } from '../../ui/Page';
import { AccountMenu } from '../auth';
import { DeleteProjectDialog } from '../dashboard';
import { GeneralSection } from './GeneralSection';
import { MembersSection } from './MembersSection';
import { ProjectSecretsSection } from './ProjectSecretsSection';
import './settings.css';

/** Only the owner or a platform admin deletes a project (it wipes the workspace for everyone). */
export function mayDelete(project: Project, user: User): boolean {
  return project.ownerId === user.id || user.role === 'admin';
}

function DangerZone({ project }: { project: Project }) {
  const [, navigate] = useLocation();
  const [open, setOpen] = useState(false);
  return (
    <section className="page-section settings-section settings-danger" aria-labelledby="settings-danger">
      <h2 id="settings-danger">Danger zone</h2>
      <div className="settings-danger-row">
        <div>
          <strong>Delete this project</strong>
          <p className="settings-help">
            Deletes the files, checkpoints, container and preview for every member. This cannot be undone.
          </p>
        </div>
        <Button variant="danger" onClick={() => setOpen(true)}>
          Delete this project…
        </Button>
      </div>
      {open && (
        <DeleteProjectDialog
          project={project}
          open
          onClose={() => setOpen(false)}
          onDeleted={() => navigate('/', { replace: true })}
        />
      )}
    </section>
  );
}

export function ProjectSettingsPage({ projectId }: { projectId: string }) {
  const user = useUser();
  const project = useProject(projectId);
  const workbench = `/projects/${projectId}`;
  const gone =
    project.error instanceof ApiError &&
    (project.error.code === 'not_found' ||
      project.error.code === 'forbidden' ||
      project.error.status === 400);

  return (
    <Page
      crumbs={
        <>
          {project.data && (
            <Link href={workbench} className="page-crumb">
              {project.data.name}
            </Link>
          )}
          <span className="page-crumb-current">Settings</span>
        </>
      }
      actions={<AccountMenu />}
    >
      <main className="page-main settings-main">
        {project.isPending && <Loading>Loading the project…</Loading>}
        {project.error && (
          <div className="page-section settings-section">
            <h1 className="page-title">{gone ? 'Project not available' : 'Could not load the project'}</h1>
            <p className="page-note">
              {gone
                ? 'It was deleted, or you no longer have access to it.'
                : 'Check your connection and try again.'}
            </p>
            <ErrorNotice error={project.error} />
            <div className="page-actions settings-actions">
              <Link href="/" className="button" data-variant="secondary">
                Back to your projects
              </Link>
              {!gone && (
                <Button busy={project.isFetching} onClick={() => void project.refetch()}>
                  Retry
                </Button>
              )}
            </div>
          </div>
        )}
        {project.data && (
          <>
            <Link href={workbench} className="settings-back">
              ← Back to the workbench
            </Link>
            <h1 className="page-title">
              Project settings <span className="settings-title-name">{project.data.name}</span>
            </h1>
            <GeneralSection key={project.data.id} project={project.data} />
            <MembersSection project={project.data} me={user} />
            {/* Read members may not list secrets: even the names say which services the project uses. */}
            {can(project.data, 'write') && <ProjectSecretsSection project={project.data} />}
            {mayDelete(project.data, user) && <DangerZone project={project.data} />}
          </>
        )}
      </main>
    </Page>
  );
}
