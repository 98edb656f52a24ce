import type { Project, TemplateSummary } from '@vaporform/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useProjectEvents } from '../../platform/projectEvents';
import { queryKeys } from '../../platform/queryKeys';
import { Spinner } from '../../ui/Spinner';
import { phaseLabels, statusErrorLabel, statusTone, useContainerStatus } from './containerStatus';
import { formatRelativeTime } from './relativeTime';

export const languageLabels: Record<TemplateSummary['language'], string> = {
  typescript: 'TypeScript',
  javascript: 'JavaScript',
  python: 'Python',
  go: 'Go',
};

/** "Express · TypeScript" from the template, or the template id when the server no longer has it. */
export function stackLabel(template: TemplateSummary | undefined, templateId: string): string {
  if (!template) return templateId;
  return `${template.framework} · ${languageLabels[template.language]}`;
}

function ContainerStatus({ projectId }: { projectId: string }) {
  const container = useContainerStatus(projectId);
  if (container.isPending) {
    return (
      <span className="dash-status" data-tone="unknown">
        <Spinner label="Loading status" />
      </span>
    );
  }
  if (container.error) {
    return (
      <span className="dash-status" data-tone="unknown" title={container.error.message}>
        <span className="dash-status-dot" aria-hidden="true" />
        {statusErrorLabel(container.error)}
      </span>
    );
  }
  const { status, message } = container.data;
  return (
    <span className="dash-status" data-tone={statusTone(status)} title={message ?? undefined}>
      <span className="dash-status-dot" aria-hidden="true" />
      <span>
        <span className="visually-hidden">Container: </span>
        {phaseLabels[status]}
      </span>
    </span>
  );
}

export function ProjectCard({
  project,
  template,
  now,
  deletable,
  onDelete,
}: {
  project: Project;
  template: TemplateSummary | undefined;
  now: number;
  deletable: boolean;
  onDelete: () => void;
}) {
  const client = useQueryClient();
  useProjectEvents(project.id, {
    event: (event) => {
      if (event.name === 'project.updated' || event.name === 'member.changed') {
        void client.invalidateQueries({ queryKey: queryKeys.projects, exact: true });
      }
    },
    ended: () => void client.invalidateQueries({ queryKey: queryKeys.projects, exact: true }),
  });
  const href = `/projects/${project.id}`;
  // The card's links are named "Open" and "Settings" and described by the project name, so that the name
  // link is the only link whose accessible name contains the project's name.
  const nameId = `project-name-${project.id}`;
  return (
    <li className="dash-card">
      <div className="dash-card-head">
        <Link href={href} className="dash-card-name" id={nameId}>
          {project.name}
        </Link>
        <span className="dash-badge" data-kind={project.visibility}>
          {project.visibility === 'public' ? 'Public' : 'Private'}
        </span>
      </div>
      <div className="dash-card-slug" title="Slug (the preview address)">
        {project.slug}
      </div>
      <div className="dash-card-stack">{stackLabel(template, project.templateId)}</div>
      {project.description && <p className="dash-card-description">{project.description}</p>}
      <div className="dash-card-meta">
        <ContainerStatus projectId={project.id} />
        <span className="dash-card-opened" title={project.lastOpenedAt ?? undefined}>
          {project.lastOpenedAt ? `Opened ${formatRelativeTime(project.lastOpenedAt, now)}` : 'Never opened'}
        </span>
        {project.permission !== 'admin' && (
          <span className="dash-badge" title="Your permission on this project">
            {project.permission}
          </span>
        )}
      </div>
      <div className="dash-card-actions">
        <Link href={href} className="button dash-open" aria-describedby={nameId}>
          Open
        </Link>
        <Link href={`${href}/settings`} className="dash-action" aria-describedby={nameId}>
          Settings
        </Link>
        {deletable && (
          <button
            type="button"
            className="dash-action dash-delete"
            aria-label={`Delete ${project.name}`}
            onClick={onDelete}
          >
            Delete
          </button>
        )}
      </div>
    </li>
  );
}
