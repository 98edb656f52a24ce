import type { Project } from '@vaporform/contracts';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { CollabProvider } from '../collab';
import { EditorsProvider } from '../editor';
import { api, apiPath } from '../../platform/api';
import { ApiError } from '../../platform/ApiError';
import { useProjectEvents } from '../../platform/projectEvents';
import { useProject } from '../../platform/projects';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Spinner } from '../../ui/Spinner';
import { Workbench } from './Workbench';
import './workbench.css';

/** `/projects/:id`: loads the project, then the workbench around it. */
export function WorkbenchPage({ projectId }: { projectId: string }) {
  const project = useProject(projectId);
  const [ended, setEnded] = useState<'revoked' | 'deleted' | 'not_found' | null>(null);
  useProjectEvents(projectId, { ended: setEnded });

  useEffect(() => {
    // "Last opened" on the dashboard; a failure here must not stop anyone from working.
    api(apiPath('projects', projectId, 'visits'), { method: 'POST' }).catch(() => undefined);
  }, [projectId]);

  useEffect(() => {
    if (project.data) document.title = `${project.data.name} — Vaporform`;
    return () => {
      document.title = 'Vaporform';
    };
  }, [project.data]);

  if (ended) return <Ended reason={ended} />;
  if (project.isPending) {
    return (
      <div className="workbench-loading" aria-busy="true">
        <Spinner label="Opening the project" /> Opening the project…
      </div>
    );
  }
  if (project.error) {
    const missing = project.error instanceof ApiError && project.error.code === 'not_found';
    return (
      <div className="workbench-message">
        {missing ? (
          <h1>This project does not exist, or it is not shared with you.</h1>
        ) : (
          <ErrorNotice error={project.error} />
        )}
        <Link href="/">Back to your projects</Link>
      </div>
    );
  }
  return <Loaded project={project.data} />;
}

function Loaded({ project }: { project: Project }) {
  return (
    <CollabProvider project={project}>
      <EditorsProvider project={project}>
        <Workbench project={project} />
      </EditorsProvider>
    </CollabProvider>
  );
}

function Ended({ reason }: { reason: 'revoked' | 'deleted' | 'not_found' }) {
  return (
    <div className="workbench-message" role="alert">
      <h1>
        {reason === 'deleted' ? 'This project was deleted.' : 'You no longer have access to this project.'}
      </h1>
      <Link href="/">Back to your projects</Link>
    </div>
  );
}
