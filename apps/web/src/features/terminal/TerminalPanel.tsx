import { TerminalListSchema, type ContainerPhase, type Project } from '@vaporform/contracts';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { api, apiPath } from '../../platform/api';
import { ApiError } from '../../platform/ApiError';
import { useCommand } from '../../platform/commands';
import { usePreferences } from '../../platform/preferences';
import { can } from '../../platform/projects';
import { Button, IconButton } from '../../ui/Button';
import { useNotify } from '../../ui/Toasts';
import { useAgentStatus, useAskAgent } from '../chat';
import { containerExists, useContainerAction, useContainerInfo } from '../infrastructure';
import type { ConnectionState } from './terminalConnection';
import {
  addTab,
  loadTabs,
  mergeServerTerminals,
  newTerminalId,
  removeTab,
  renameTab,
  saveTabs,
  tabLabel,
  type TerminalTabs,
} from './terminalTabs';
import { TerminalView, type TerminalHandle } from './TerminalView';
import './terminal.css';

function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** The bottom panel's terminals: tabs of shells in the project container, for members with `execute`. */
export function TerminalPanel({ project }: { project: Project }) {
  if (!can(project, 'execute')) {
    return (
      <div className="terminal-panel terminal-panel-message" role="note">
        <p>
          The terminal runs commands in this project&apos;s container, which needs the{' '}
          <strong>execute</strong> permission. You have <strong>{project.permission}</strong> access; ask a
          project admin to grant execute.
        </p>
      </div>
    );
  }
  return <TerminalTabsPanel key={project.id} projectId={project.id} mayWrite={can(project, 'write')} />;
}

function TerminalTabsPanel({ projectId, mayWrite }: { projectId: string; mayWrite: boolean }) {
  const preferences = usePreferences();
  const agent = useAgentStatus();
  const askAgent = useAskAgent(projectId);
  // "Fix with AI" on a failed command, when there is a model to ask and the agent may change the files.
  const fixWithAi =
    agent.data?.available === true && mayWrite ? (message: string) => void askAgent(message) : undefined;
  const notify = useNotify();
  const [tabs, setTabs] = useState<TerminalTabs>(() => loadTabs(browserStorage(), projectId));
  const [listed, setListed] = useState(false);
  const [states, setStates] = useState<Record<string, ConnectionState['kind']>>({});
  const [renaming, setRenaming] = useState<string | null>(null);
  const handles = useRef(new Map<string, TerminalHandle>());
  const lastStatus = useRef<ContainerPhase | undefined>(undefined);
  const tabRefs = useRef(new Map<string, HTMLButtonElement>());

  const container = useContainerInfo(projectId, ({ status }) => {
    const was = lastStatus.current;
    lastStatus.current = status;
    if (!containerExists(status)) return;
    // The container is there: terminals that failed for lack of it start; after a restart, so do the
    // shells that ended with the old container.
    const restarted = was !== undefined && !containerExists(was);
    for (const handle of handles.current.values()) handle.resumeIfDown(restarted);
  });
  const containerStatus = container.data?.status;
  useEffect(() => {
    if (containerStatus !== undefined) lastStatus.current ??= containerStatus;
  }, [containerStatus]);
  const action = useContainerAction(projectId);

  useEffect(() => saveTabs(browserStorage(), projectId, tabs), [projectId, tabs]);

  // Shells this browser does not know about (another tab, cleared storage) are reattached; with none at
  // all, the panel opens one.
  useEffect(() => {
    let cancelled = false;
    const settle = (server: Parameters<typeof mergeServerTerminals>[1]) => {
      if (cancelled) return;
      setTabs((current) => {
        const merged = mergeServerTerminals(current, server);
        return merged.tabs.length > 0 ? merged : addTab(merged, newTerminalId());
      });
      setListed(true);
    };
    api(apiPath('projects', projectId, 'terminals'), { schema: TerminalListSchema }).then(settle, () =>
      settle([]),
    );
    return () => {
      cancelled = true;
    };
  }, [projectId]);

  const newTerminal = () => {
    if (tabs.tabs.length >= 10) {
      notify.info('At most 10 terminals per project: close one first.');
      return;
    }
    setTabs((current) => addTab(current, newTerminalId()));
  };

  const closeTerminal = (id: string) => {
    setTabs((current) => removeTab(current, id));
    setStates(({ [id]: _closed, ...rest }) => rest);
    api(apiPath('projects', projectId, 'terminals', id), { method: 'DELETE' }).catch((error: unknown) => {
      // A shell that already ended is what we wanted.
      if (!(error instanceof ApiError && error.code === 'not_found')) notify.error(error);
    });
  };

  const select = (id: string) => setTabs((current) => ({ ...current, active: id }));

  useCommand({
    id: 'workbench.action.terminal.new',
    title: 'Create New Terminal',
    category: 'Terminal',
    keybinding: 'Mod+Shift+`',
    run: newTerminal,
  });
  useCommand({
    id: 'workbench.action.terminal.focus',
    title: 'Focus Terminal',
    category: 'Terminal',
    run: () => {
      if (tabs.active) handles.current.get(tabs.active)?.focus();
    },
  });

  const onTabKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (index + 1) % tabs.tabs.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.tabs.length) % tabs.tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.tabs.length - 1;
    else if (event.key === 'Delete') {
      const id = tabs.tabs[index]?.id;
      if (id) closeTerminal(id);
      return;
    } else if (event.key === 'F2') {
      setRenaming(tabs.tabs[index]?.id ?? null);
      return;
    }
    if (next === null) return;
    event.preventDefault();
    const id = tabs.tabs[next]?.id;
    if (!id) return;
    select(id);
    tabRefs.current.get(id)?.focus();
  };

  return (
    <div className="terminal-panel">
      <div className="terminal-toolbar">
        <div className="terminal-tabs" role="tablist" aria-label="Terminals">
          {tabs.tabs.map((tab, index) => {
            const label = tabLabel(tab);
            const selected = tab.id === tabs.active;
            const state = states[tab.id];
            if (renaming === tab.id) {
              return (
                <RenameInput
                  key={tab.id}
                  label={label}
                  initial={tab.name ?? ''}
                  onDone={(name) => {
                    setRenaming(null);
                    if (name !== null) setTabs((current) => renameTab(current, tab.id, name));
                  }}
                />
              );
            }
            return (
              <div
                key={tab.id}
                className="terminal-tab"
                data-selected={selected || undefined}
                role="presentation"
              >
                <button
                  ref={(element) => {
                    if (element) tabRefs.current.set(tab.id, element);
                    else tabRefs.current.delete(tab.id);
                  }}
                  type="button"
                  role="tab"
                  id={`terminal-tab-${tab.id}`}
                  aria-selected={selected}
                  aria-controls={`terminal-panel-${tab.id}`}
                  tabIndex={selected ? 0 : -1}
                  className="terminal-tab-label"
                  data-state={state}
                  title={`${label} (double-click or F2 to rename)`}
                  onClick={() => select(tab.id)}
                  onDoubleClick={() => setRenaming(tab.id)}
                  onKeyDown={(event) => onTabKeyDown(event, index)}
                >
                  {label}
                </button>
                <IconButton
                  label={`Close ${label}`}
                  className="terminal-tab-close"
                  onClick={() => closeTerminal(tab.id)}
                >
                  ×
                </IconButton>
              </div>
            );
          })}
        </div>
        <IconButton label="New terminal" onClick={newTerminal}>
          +
        </IconButton>
      </div>
      <div className="terminal-views">
        {tabs.tabs.length === 0 &&
          (listed ? (
            <div className="terminal-panel-message">
              <p>No terminals are open.</p>
              <Button onClick={newTerminal}>New terminal</Button>
            </div>
          ) : (
            <div className="terminal-panel-message" aria-busy="true">
              Loading terminals…
            </div>
          ))}
        {tabs.tabs.map((tab) => (
          <TerminalView
            key={tab.id}
            projectId={projectId}
            terminalId={tab.id}
            label={tabLabel(tab)}
            active={tab.id === tabs.active}
            theme={preferences.theme}
            fontSize={preferences.terminalFontSize}
            containerStatus={containerStatus}
            canStart
            starting={action.isPending}
            onStart={() => action.mutate('start')}
            onHandle={(id, handle) => {
              if (handle) handles.current.set(id, handle);
              else handles.current.delete(id);
            }}
            onStateChange={(id, state) => setStates((current) => ({ ...current, [id]: state.kind }))}
            onAskAgent={fixWithAi}
          />
        ))}
      </div>
    </div>
  );
}

function RenameInput({
  label,
  initial,
  onDone,
}: {
  label: string;
  initial: string;
  onDone: (name: string | null) => void;
}) {
  const [value, setValue] = useState(initial);
  const done = useRef(false);
  const finish = (name: string | null) => {
    if (done.current) return;
    done.current = true;
    onDone(name);
  };
  return (
    <input
      className="terminal-tab-rename"
      aria-label={`Rename ${label}`}
      value={value}
      maxLength={60}
      autoFocus
      placeholder={label}
      onChange={(event) => setValue(event.target.value)}
      onBlur={() => finish(value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') finish(value);
        else if (event.key === 'Escape') finish(null);
      }}
    />
  );
}
