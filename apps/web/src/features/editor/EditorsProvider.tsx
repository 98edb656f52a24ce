import type { Project } from '@vaporform/contracts';
import { useState, type ReactNode } from 'react';
import { useCollab } from '../collab';
import { EditorsWith } from './EditorsWith';
import { httpFileAccess } from './fileAccess';
import { monacoModelHost } from './monacoModels';
import { MonacoSharedModels } from './sharedModels';
import { SharedModelsContext } from './sharedModelsContext';

/** Open editors for one project; everything inside can `useEditors()`. */
export function EditorsProvider({ project, children }: { project: Project; children?: ReactNode }) {
  // A different project starts from no open editors.
  return (
    <ProjectEditors key={project.id} project={project}>
      {children}
    </ProjectEditors>
  );
}

/** Monaco models over the project's files API, bound to shared documents when co-editing is on. */
function ProjectEditors({ project, children }: { project: Project; children?: ReactNode }) {
  const [sharedModels] = useState(() => new MonacoSharedModels());
  const collab = useCollab();
  return (
    <SharedModelsContext.Provider value={sharedModels}>
      <EditorsWith
        project={project}
        files={() => httpFileAccess(project.id)}
        models={() => monacoModelHost(sharedModels)}
        collab={collab}
      >
        {children}
      </EditorsWith>
    </SharedModelsContext.Provider>
  );
}
