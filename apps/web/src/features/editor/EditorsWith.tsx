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
import type { CollabSession } from '../collab';
import { usePreferences } from '../../platform/preferences';
import { useProjectEvents } from '../../platform/projectEvents';
import { can } from '../../platform/projects';
import { useNotify } from '../../ui/Toasts';
import type { ChangeKind } from './diskSync';
import { EditorsContext, type Editors } from './editorApi';
import { EditorsController, type EditorsSnapshot } from './editorsController';
import { activeTabOf } from './editorsStore';
import type { FileAccess } from './fileAccess';
import type { ModelHost } from './textModels';

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

/**
 * The open editors over the given files API and model host (Monaco in the app, fakes in tests), bound to
 * the project's shared documents when there is a collab session. Free of Monaco, so it renders in tests.
 */
export function EditorsWith({
  project,
  files,
  models,
  collab,
  children,
}: {
  project: Project;
  /** Called once, for the controller. */
  files: () => FileAccess;
  /** Called once, for the controller. */
  models: () => ModelHost;
  collab: CollabSession | null;
  children?: ReactNode;
}) {
  const notify = useNotify();
  const { autosave } = usePreferences();
  const canWrite = can(project, 'write');
  const [controller] = useState(
    () =>
      new EditorsController({
        files: files(),
        models: models(),
        onError: (error) => notify.error(error),
        canWrite,
        autosave,
        collab,
      }),
  );
  const snapshot = useEditorsSnapshot(controller);

  useEffect(() => controller.setCanWrite(canWrite), [controller, canWrite]);
  useEffect(() => controller.setAutosave(autosave), [controller, autosave]);
  useEffect(() => controller.setCollab(collab), [controller, collab]);
  // Closing the workbench disposes every model (under StrictMode this runs before any file is open).
  useEffect(() => () => controller.dispose(), [controller]);

  useProjectEvents(project.id, {
    event: (event) => {
      if (event.name !== 'file.changed') return;
      const { path, kind } = event.payload;
      if (typeof path === 'string') controller.fileChanged(path, changeKind(kind));
    },
    subscribed: () => controller.revalidateAll(),
  });

  const active = activeTabOf(snapshot);
  const activeFilePath = active?.kind === 'file' ? active.path : null;
  // Everyone's explorer shows who has which file in front of them.
  useEffect(() => collab?.setOpenFile(activeFilePath), [collab, activeFilePath]);

  // Edits the server has not acknowledged yet are lost with the page, like unsaved ones.
  const hasUnsaved = [...snapshot.files.values()].some(
    (file) => file.dirty || file.shared === 'unsynced' || (file.shared === 'offline' && !file.readOnly),
  );
  useEffect(() => {
    if (!hasUnsaved) return undefined;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [hasUnsaved]);

  const editors = useMemo<Editors>(() => {
    return {
      openFile: (path, options) => controller.openFile(path, options),
      openDiff: (options) => controller.openDiff(options),
      renamed: (from, to) => controller.renamed(from, to),
      deleted: (path) => controller.deleted(path),
      saveAll: () => controller.saveAll(),
      revalidate: () => controller.revalidateAll(),
      activePath: activeTabOf(snapshot)?.path ?? null,
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

const changeKinds = new Set<string>(['created', 'modified', 'deleted', 'renamed']);

function changeKind(kind: unknown): ChangeKind | undefined {
  return typeof kind === 'string' && changeKinds.has(kind) ? (kind as ChangeKind) : undefined;
}
