import type { Project } from '@vaporform/contracts';
import { useState } from 'react';
import { Group, Panel, Separator } from 'react-resizable-panels';
import { ChatPanel } from '../chat';
import { CheckpointsView } from '../checkpoints';
import { EditorArea } from '../editor';
import { ExplorerView } from '../explorer';
import { InfrastructureView, LogsPanel } from '../infrastructure';
import { PreviewPanel } from '../preview';
import { SearchView } from '../search';
import { TerminalPanel } from '../terminal';
import { usePanelLayout } from '../../platform/panelLayout';
import { ActivityBar } from './ActivityBar';
import { PanelTabs } from './PanelTabs';
import { StatusBar } from './StatusBar';
import { TitleBar } from './TitleBar';
import { useWorkbenchCommands } from './useWorkbenchCommands';
import { useWorkbenchLayout, type AsideView, type PanelView, type SidebarView } from './workbenchLayout';

const sidebarTitles: Record<SidebarView, string> = {
  explorer: 'Explorer',
  search: 'Search',
  checkpoints: 'Checkpoints',
  infrastructure: 'Infrastructure',
};

/**
 * VS Code's arrangement: activity bar, a sidebar view, editors above a panel (terminal, output), and an aside
 * for the preview and the chat. Sizes persist per user; which views show persists per tab.
 */
export function Workbench({ project }: { project: Project }) {
  const views = useWorkbenchLayout(project.id);
  const { layout } = views;
  const outer = usePanelLayout('workbench');
  const inner = usePanelLayout('workbench.main');
  // Ctrl+Shift+F on an already open search view moves focus back to its input.
  const [searchFocus, setSearchFocus] = useState(0);
  useWorkbenchCommands(project, views, () => setSearchFocus((count) => count + 1));

  return (
    <div className="workbench">
      <TitleBar project={project} />
      <div className="workbench-body">
        <ActivityBar active={layout.sidebar} onSelect={views.toggleSidebar} />
        <Group orientation="horizontal" id="workbench" className="workbench-group" {...outer}>
          {layout.sidebar && (
            <>
              <Panel id="sidebar" defaultSize="20" minSize="10" className="workbench-sidebar">
                <section aria-label={sidebarTitles[layout.sidebar]} className="sidebar-view">
                  <header className="sidebar-title">{sidebarTitles[layout.sidebar]}</header>
                  <div className="sidebar-content">
                    {layout.sidebar === 'explorer' && <ExplorerView project={project} />}
                    {layout.sidebar === 'search' && (
                      <SearchView project={project} focusRequest={searchFocus} />
                    )}
                    {layout.sidebar === 'checkpoints' && <CheckpointsView project={project} />}
                    {layout.sidebar === 'infrastructure' && <InfrastructureView project={project} />}
                  </div>
                </section>
              </Panel>
              <Separator className="workbench-separator" />
            </>
          )}
          <Panel id="main" minSize="25">
            <Group orientation="vertical" id="workbench.main" {...inner}>
              <Panel id="editors" minSize="15" className="workbench-editors">
                <EditorArea project={project} />
              </Panel>
              {layout.panel && (
                <>
                  <Separator className="workbench-separator" />
                  <Panel id="panel" defaultSize="32" minSize="10" className="workbench-panel">
                    <PanelTabs<PanelView>
                      label="Panel"
                      tabs={[
                        ['terminal', 'Terminal'],
                        ['output', 'Output'],
                      ]}
                      active={layout.panel}
                      onSelect={views.showPanel}
                      onClose={() => views.togglePanel(layout.panel ?? 'terminal')}
                    />
                    {/* Both stay mounted: switching tabs must not reconnect the terminal or restart the log stream. */}
                    <div className="panel-content" hidden={layout.panel !== 'terminal'}>
                      <TerminalPanel project={project} />
                    </div>
                    <div className="panel-content" hidden={layout.panel !== 'output'}>
                      <LogsPanel project={project} />
                    </div>
                  </Panel>
                </>
              )}
            </Group>
          </Panel>
          {layout.aside && (
            <>
              <Separator className="workbench-separator" />
              <Panel id="aside" defaultSize="30" minSize="15" className="workbench-aside">
                <PanelTabs<AsideView>
                  label="Aside"
                  tabs={[
                    ['preview', 'Preview'],
                    ['chat', 'Chat'],
                  ]}
                  active={layout.aside}
                  onSelect={views.showAside}
                  onClose={() => views.toggleAside(layout.aside ?? 'preview')}
                />
                <div className="panel-content">
                  {layout.aside === 'preview' && <PreviewPanel project={project} />}
                  {layout.aside === 'chat' && <ChatPanel project={project} />}
                </div>
              </Panel>
            </>
          )}
        </Group>
      </div>
      <StatusBar project={project} views={views} />
    </div>
  );
}
