import { useState } from 'react';

export type SidebarView = 'explorer' | 'search' | 'checkpoints' | 'infrastructure';
export type PanelView = 'terminal' | 'output';
export type AsideView = 'preview' | 'chat';

export interface WorkbenchLayout {
  sidebar: SidebarView | null;
  panel: PanelView | null;
  aside: AsideView | null;
}

const initial: WorkbenchLayout = { sidebar: 'explorer', panel: 'terminal', aside: 'preview' };

function storageKey(projectId: string): string {
  return `vaporform.workbench.${projectId}`;
}

/** Which views are showing. Kept per project in the tab's session so a reload looks the same. */
export function useWorkbenchLayout(projectId: string) {
  const [layout, setLayout] = useState<WorkbenchLayout>(() => {
    // `?aside=chat`: the wizard asked the agent to build the app, so its progress should be in view.
    const asked = new URLSearchParams(location.search).get('aside');
    const aside: Partial<WorkbenchLayout> = asked === 'chat' || asked === 'preview' ? { aside: asked } : {};
    try {
      const stored = sessionStorage.getItem(storageKey(projectId));
      return { ...initial, ...(stored ? (JSON.parse(stored) as Partial<WorkbenchLayout>) : {}), ...aside };
    } catch {
      return { ...initial, ...aside };
    }
  });
  const update = (change: Partial<WorkbenchLayout>) =>
    setLayout((current) => {
      const next = { ...current, ...change };
      sessionStorage.setItem(storageKey(projectId), JSON.stringify(next));
      return next;
    });
  return {
    layout,
    /** Shows the view, or hides the sidebar when it is already the one showing (VS Code's activity bar). */
    toggleSidebar: (view: SidebarView) => update({ sidebar: layout.sidebar === view ? null : view }),
    showSidebar: (view: SidebarView) => update({ sidebar: view }),
    togglePanel: (view: PanelView) => update({ panel: layout.panel === view ? null : view }),
    showPanel: (view: PanelView) => update({ panel: view }),
    toggleAside: (view: AsideView) => update({ aside: layout.aside === view ? null : view }),
    showAside: (view: AsideView) => update({ aside: view }),
  };
}
