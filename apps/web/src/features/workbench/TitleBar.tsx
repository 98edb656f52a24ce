import type { Project } from '@vaporform/contracts';
import { Link } from 'wouter';
import { AccountMenu } from '../auth';
import { formatKeybinding, useCommands } from '../../platform/commands';
import { Icon } from '../../ui/Icon';

export function TitleBar({ project }: { project: Project }) {
  const commands = useCommands();
  return (
    <header className="title-bar">
      <nav className="title-breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/" className="title-home">
          Vaporform
        </Link>
        <Icon name="chevron-right" />
        <span className="title-project">{project.name}</span>
        {project.permission === 'read' && <span className="badge">read-only</span>}
      </nav>
      <button
        type="button"
        className="title-command-center"
        onClick={() => void commands.execute('workbench.action.showCommands')}
      >
        <Icon name="search" /> Search commands ({formatKeybinding('Mod+Shift+P')})
      </button>
      <div className="title-actions">
        <Link href={`/projects/${project.id}/settings`} className="title-link" aria-label="Project settings">
          <Icon name="settings-gear" />
        </Link>
        <AccountMenu />
      </div>
    </header>
  );
}
