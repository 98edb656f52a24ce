import type { ContainerPhase, Project } from '@vaporform/contracts';
import { useContainer } from '../../platform/container';
import { usePreferences, useUpdatePreferences } from '../../platform/preferences';
import { Icon } from '../../ui/Icon';
import { AgentActivity } from '../chat';
import { PresenceList } from '../collab';
import type { useWorkbenchLayout } from './workbenchLayout';

const phaseText: Record<ContainerPhase, string> = {
  stopped: 'Stopped',
  creating: 'Creating container',
  installing: 'Installing',
  starting: 'Starting',
  running: 'Running',
  crashed: 'Crashed',
};

const phaseIcon: Partial<Record<ContainerPhase, string>> = {
  running: 'pass-filled',
  crashed: 'error',
  stopped: 'circle-slash',
};

export function StatusBar({
  project,
  views,
}: {
  project: Project;
  views: ReturnType<typeof useWorkbenchLayout>;
}) {
  const container = useContainer(project.id);
  const { theme } = usePreferences();
  const updatePreferences = useUpdatePreferences();
  const phase = container.data?.status;
  return (
    <footer className="status-bar" aria-label="Status bar">
      <button
        type="button"
        className="status-item"
        data-phase={phase}
        title={container.data?.message ?? undefined}
        onClick={() => views.showSidebar('infrastructure')}
      >
        {phase ? (
          <>
            <Icon name={phaseIcon[phase] ?? 'sync~spin'} /> Container: {phaseText[phase]}
          </>
        ) : container.error ? (
          'No container runtime'
        ) : (
          'Container: …'
        )}
      </button>
      <AgentActivity projectId={project.id} onOpen={() => views.toggleAside('chat')} />
      <span className="status-spacer" />
      <PresenceList />
      <button type="button" className="status-item" onClick={() => views.togglePanel('terminal')}>
        <Icon name="terminal" /> Terminal
      </button>
      <button type="button" className="status-item" onClick={() => views.toggleAside('preview')}>
        <Icon name="open-preview" /> Preview
      </button>
      <button
        type="button"
        className="status-item"
        aria-label={`Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme`}
        onClick={() => updatePreferences({ theme: theme === 'dark' ? 'light' : 'dark' })}
      >
        <Icon name="color-mode" />
      </button>
    </footer>
  );
}
