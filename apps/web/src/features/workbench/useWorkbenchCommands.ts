import type { Project } from '@vaporform/contracts';
import { useLocation } from 'wouter';
import { api, apiPath } from '../../platform/api';
import { useCommand } from '../../platform/commands';
import { usePreferences, useUpdatePreferences } from '../../platform/preferences';
import { can } from '../../platform/projects';
import { useNotify } from '../../ui/Toasts';
import type { useWorkbenchLayout } from './workbenchLayout';

/** The workbench's own commands: views, theme, navigation and the container's lifecycle. */
export function useWorkbenchCommands(
  project: Project,
  views: ReturnType<typeof useWorkbenchLayout>,
  focusSearch: () => void,
): void {
  const [, navigate] = useLocation();
  const { theme } = usePreferences();
  const updatePreferences = useUpdatePreferences();
  const notify = useNotify();

  useCommand({
    id: 'workbench.view.explorer',
    title: 'Show Explorer',
    category: 'View',
    keybinding: 'Mod+Shift+E',
    run: () => views.showSidebar('explorer'),
  });
  useCommand({
    id: 'workbench.view.search',
    title: 'Search in Files',
    category: 'View',
    keybinding: 'Mod+Shift+F',
    run: () => {
      views.showSidebar('search');
      focusSearch();
    },
  });
  useCommand({
    id: 'workbench.view.checkpoints',
    title: 'Show Checkpoints',
    category: 'View',
    run: () => views.showSidebar('checkpoints'),
  });
  useCommand({
    id: 'workbench.view.infrastructure',
    title: 'Show Infrastructure',
    category: 'View',
    run: () => views.showSidebar('infrastructure'),
  });
  useCommand({
    id: 'workbench.action.toggleSidebarVisibility',
    title: 'Toggle Primary Side Bar',
    category: 'View',
    keybinding: 'Mod+B',
    run: () => views.toggleSidebar(views.layout.sidebar ?? 'explorer'),
  });
  useCommand({
    id: 'workbench.action.togglePanel',
    title: 'Toggle Panel',
    category: 'View',
    keybinding: 'Mod+J',
    run: () => views.togglePanel(views.layout.panel ?? 'terminal'),
  });
  useCommand({
    id: 'workbench.action.terminal.toggleTerminal',
    title: 'Toggle Terminal',
    category: 'View',
    keybinding: 'Mod+`',
    run: () => views.togglePanel('terminal'),
  });
  useCommand({
    id: 'workbench.action.output.show',
    title: 'Show Output (install and app logs)',
    category: 'View',
    run: () => views.showPanel('output'),
  });
  useCommand({
    id: 'vaporform.preview.toggle',
    title: 'Toggle Preview',
    category: 'View',
    run: () => views.toggleAside('preview'),
  });
  useCommand({
    id: 'vaporform.chat.show',
    title: 'Show Chat',
    category: 'View',
    run: () => views.showAside('chat'),
  });
  useCommand({
    id: 'workbench.action.toggleTheme',
    title: theme === 'dark' ? 'Switch to Light Theme' : 'Switch to Dark Theme',
    category: 'Preferences',
    run: () => updatePreferences({ theme: theme === 'dark' ? 'light' : 'dark' }),
  });
  useCommand({
    id: 'vaporform.project.settings',
    title: 'Project Settings',
    category: 'Project',
    run: () => navigate(`/projects/${project.id}/settings`),
  });
  useCommand({
    id: 'vaporform.dashboard',
    title: 'Go to Dashboard',
    category: 'Project',
    run: () => navigate('/'),
  });

  const containerAction = (action: 'start' | 'stop' | 'restart') => async () => {
    try {
      await api(apiPath('projects', project.id, 'container', action), { method: 'POST' });
      notify.info(
        `Container ${action === 'stop' ? 'stopping' : action === 'start' ? 'starting' : 'restarting'}…`,
      );
    } catch (error) {
      notify.error(error);
    }
  };
  const mayExecute = () => can(project, 'execute');
  useCommand({
    id: 'vaporform.container.start',
    title: 'Start Container',
    category: 'Container',
    run: containerAction('start'),
    enabled: mayExecute,
  });
  useCommand({
    id: 'vaporform.container.stop',
    title: 'Stop Container',
    category: 'Container',
    run: containerAction('stop'),
    enabled: mayExecute,
  });
  useCommand({
    id: 'vaporform.container.restart',
    title: 'Restart Container',
    category: 'Container',
    run: containerAction('restart'),
    enabled: mayExecute,
  });
}
