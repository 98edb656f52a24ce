import { useCommand } from '../../platform/commands';
import type { EditorsController } from './editorsController';

/** The editor area's entries in the command palette and their keybindings. */
export function useEditorCommands(
  controller: EditorsController,
  { canWrite, openQuickOpen }: { canWrite: boolean; openQuickOpen: () => void },
): void {
  useCommand({
    id: 'workbench.action.files.save',
    title: 'Save',
    category: 'File',
    keybinding: 'Mod+S',
    // Always swallow the key: the browser's "Save page" dialog is never what someone in an editor wants.
    run: () => void controller.saveActive(),
  });
  useCommand({
    id: 'workbench.action.files.saveAll',
    title: 'Save All',
    category: 'File',
    run: () => void controller.saveAll(),
    enabled: () => canWrite && controller.dirtyPaths().length > 0,
  });
  useCommand({
    id: 'workbench.action.files.revert',
    title: 'Revert File',
    category: 'File',
    run: () => {
      const tab = controller.activeTab();
      if (tab?.kind === 'file') void controller.revert(tab.path);
    },
    enabled: () => controller.activeTab()?.kind === 'file',
  });
  useCommand({
    id: 'workbench.action.quickOpen',
    title: 'Go to File…',
    keybinding: 'Mod+P',
    run: openQuickOpen,
  });
  useCommand({
    id: 'workbench.action.closeActiveEditor',
    title: 'Close Editor',
    category: 'View',
    run: () => {
      const tab = controller.activeTab();
      if (tab) controller.requestClose(tab.id);
    },
    enabled: () => controller.activeTab() !== null,
  });
  useCommand({
    id: 'workbench.action.closeUnmodifiedEditors',
    title: 'Close Saved Editors',
    category: 'View',
    run: () => controller.closeSaved(),
    enabled: () => controller.getSnapshot().tabs.length > 0,
  });
  useCommand({
    id: 'workbench.action.nextEditor',
    title: 'Open Next Editor',
    category: 'View',
    keybinding: 'Mod+PageDown',
    run: () => controller.cycle(1),
  });
  useCommand({
    id: 'workbench.action.previousEditor',
    title: 'Open Previous Editor',
    category: 'View',
    keybinding: 'Mod+PageUp',
    run: () => controller.cycle(-1),
  });
}
