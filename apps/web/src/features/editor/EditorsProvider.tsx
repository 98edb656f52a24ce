import type { Project } from '@vaporform/contracts';
import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { usePreferences } from '../../platform/preferences';
import { useProjectEvents } from '../../platform/projectEvents';
import { can } from '../../platform/projects';
import { useNotify } from '../../ui/Toasts';
import { EditorsContext, type Editors } from './editorApi';
import { EditorsController, type EditorsSnapshot } from './editorsController';
import { activeTabOf } from './editorsStore';
import { httpFileAccess } from './fileAccess';
import { monacoModelHost } from './monacoModels';

const ControllerContext = createContext<EditorsController | null>(null);

/** The controller behind `useEditors()`, for the editor area and this feature's own views. */
export function useEditorsController(): EditorsController {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error('useEditorsController outside EditorsProvider');
  return controller;
}

export function useEditorsSnapshot(controller: EditorsController): EditorsSnapshot {
  return useSyncExternalStore(controller.subscribe, controller.getSnapshot);
}

/** Open editors for one project; everything inside can `useEditors()`. */
export function EditorsProvider({ project, children }: { project: Project; children?: ReactNode }) {
  // A different project starts from no open editors.
  return (
    <ProjectEditors key={project.id} project={project}>
      {children}
    </ProjectEditors>
  );
}

function ProjectEditors({ project, children }: { project: Project; children?: ReactNode }) {
  const notify = useNotify();
  const { autosave } = usePreferences();
  const canWrite = can(project, 'write');
  const [controller] = useState(
    () =>
      new EditorsController({
        files: httpFileAccess(project.id),
        models: monacoModelHost(),
        onError: (error) => notify.error(error),
        canWrite,
        autosave,
      }),
  );
  const snapshot = useEditorsSnapshot(controller);

  useEffect(() => controller.setCanWrite(canWrite), [controller, canWrite]);
  useEffect(() => controller.setAutosave(autosave), [controller, autosave]);
  // Closing the workbench disposes every model (under StrictMode this runs before any file is open).
  useEffect(() => () => controller.dispose(), [controller]);

  useProjectEvents(project.id, {
    event: (event) => {
      if (event.name !== 'file.changed') return;
      const path = event.payload.path;
      if (typeof path === 'string') controller.fileChanged(path);
    },
    subscribed: () => controller.revalidateAll(),
  });

  const hasUnsaved = [...snapshot.files.values()].some((file) => file.dirty);
  useEffect(() => {
    if (!hasUnsaved) return undefined;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [hasUnsaved]);

  const editors = useMemo<Editors>(() => {
    const active = activeTabOf(snapshot);
    return {
      openFile: (path, options) => controller.openFile(path, options),
      openDiff: (options) => controller.openDiff(options),
      renamed: (from, to) => controller.renamed(from, to),
      deleted: (path) => controller.deleted(path),
      saveAll: () => controller.saveAll(),
      revalidate: () => controller.revalidateAll(),
      activePath: active?.path ?? null,
      openPaths: snapshot.tabs.filter((tab) => tab.kind === 'file').map((tab) => tab.path),
      dirtyPaths: new Set([...snapshot.files.values()].filter((file) => file.dirty).map((file) => file.path)),
    };
  }, [controller, snapshot]);

  return (
    <ControllerContext.Provider value={controller}>
      <EditorsContext.Provider value={editors}>{children}</EditorsContext.Provider>
    </ControllerContext.Provider>
  );
}
