import { ProjectListSchema, type Project, type TemplateSummary } from '@vaporform/contracts';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { api } from '../../platform/api';
import { queryKeys } from '../../platform/queryKeys';
import { useUser } from '../../platform/session';
import { Button } from '../../ui/Button';
import { ErrorRetry } from '../../ui/ErrorRetry';
import { Page } from '../../ui/Page';
import { AccountMenu } from '../auth';
import { useTemplates } from '../wizard';
import { DeleteProjectDialog } from './DeleteProjectDialog';
import { ProjectCard } from './ProjectCard';
import { useNow } from './relativeTime';
import { canDelete, splitProjects } from './splitProjects';
import './dashboard.css';

function SkeletonCards() {
  return (
    <>
      <p className="visually-hidden" role="status">
        Loading projects…
      </p>
      <ul className="dash-grid" aria-hidden="true">
        {[0, 1, 2].map((i) => (
          <li key={i} className="dash-card dash-skeleton">
            <span className="dash-skeleton-line" style={{ width: '55%' }} />
            <span className="dash-skeleton-line" style={{ width: '35%' }} />
            <span className="dash-skeleton-line" style={{ width: '45%' }} />
            <span className="dash-skeleton-line" style={{ width: '70%' }} />
          </li>
        ))}
      </ul>
    </>
  );
}

function ProjectSection({
  id,
  title,
  projects,
  templates,
  empty,
  onDelete,
}: {
  id: string;
  title: string;
  projects: Project[];
  templates: Map<string, TemplateSummary>;
  empty: ReactNode;
  onDelete: (project: Project) => void;
}) {
  const user = useUser();
  const now = useNow();
  return (
    <section className="dash-section" aria-labelledby={id}>
      <h2 id={id}>
        {title} {projects.length > 0 && <span className="dash-count">{projects.length}</span>}
      </h2>
      {projects.length === 0 ? (
        empty
      ) : (
        <ul className="dash-grid" aria-labelledby={id}>
          {projects.map((project) => (
            <ProjectCard
              key={project.id}
              project={project}
              template={templates.get(project.templateId)}
              now={now}
              deletable={canDelete(project, user)}
              onDelete={() => onDelete(project)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

export function DashboardPage() {
  const user = useUser();
  const [, navigate] = useLocation();
  const projects = useQuery({
    queryKey: queryKeys.projects,
    queryFn: () => api('/api/projects', { schema: ProjectListSchema }),
  });
  const templates = useTemplates();
  const templatesById = useMemo(
    () => new Map((templates.data ?? []).map((template) => [template.id, template])),
    [templates.data],
  );
  const [deleting, setDeleting] = useState<Project | null>(null);
  const { mine, shared } = useMemo(
    () => splitProjects(projects.data ?? [], user.id),
    [projects.data, user.id],
  );

  return (
    <Page
      actions={
        <>
          <Button onClick={() => navigate('/new')}>New project</Button>
          <AccountMenu />
        </>
      }
    >
      <main className="page-main dash-main">
        <h1 className="visually-hidden">Your projects</h1>
        {projects.isPending && (
          <section className="dash-section">
            <h2>My projects</h2>
            <SkeletonCards />
          </section>
        )}
        <ErrorRetry
          error={projects.error}
          busy={projects.isFetching}
          onRetry={() => void projects.refetch()}
        />
        {projects.data && (
          <>
            <ProjectSection
              id="dash-mine"
              title="My projects"
              projects={mine}
              templates={templatesById}
              onDelete={setDeleting}
              empty={
                <div className="dash-empty">
                  <h3>
                    {shared.length === 0
                      ? 'Start your first project'
                      : 'You have no projects of your own yet'}
                  </h3>
                  <p>Pick a stack, name it, and the IDE opens with the app running in its own container.</p>
                  <Button onClick={() => navigate('/new')}>Create your first project</Button>
                </div>
              }
            />
            <ProjectSection
              id="dash-shared"
              title="Shared with me"
              projects={shared}
              templates={templatesById}
              onDelete={setDeleting}
              empty={
                <p className="dash-none">
                  Nothing is shared with you yet. Projects others share with you show up here.
                </p>
              }
            />
          </>
        )}
      </main>
      {deleting && <DeleteProjectDialog project={deleting} open onClose={() => setDeleting(null)} />}
    </Page>
  );
}
