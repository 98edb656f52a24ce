import { collabColor, type Project } from '@vaporform/contracts';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useMe } from '../../platform/session';
import { CollabConnection } from './CollabConnection';
import { noPresence, type Presence } from './presenceModel';
import './collab.css';

const CollabContext = createContext<CollabConnection | null>(null);

/** Co-editing and presence for one project; everything inside can `useCollab()` and `usePresence()`. */
export function CollabProvider({ project, children }: { project: Project; children?: ReactNode }) {
  const { user } = useMe();
  if (!user) return <>{children}</>;
  // Another project or another person starts from a connection of its own.
  return (
    <ProjectCollab key={`${project.id}:${user.id}`} projectId={project.id} userId={user.id} name={user.name}>
      {children}
    </ProjectCollab>
  );
}

function ProjectCollab({
  projectId,
  userId,
  name,
  children,
}: {
  projectId: string;
  userId: string;
  name: string;
  children?: ReactNode;
}) {
  const [connection] = useState(
    () => new CollabConnection({ projectId, user: { id: userId, name, color: collabColor(userId) } }),
  );
  useEffect(() => {
    connection.start();
    return () => connection.stop();
  }, [connection]);
  useEffect(() => connection.setUserName(name), [connection, name]);
  return <CollabContext.Provider value={connection}>{children}</CollabContext.Provider>;
}

/** The project's co-editing, or null outside `CollabProvider` (the editors then use the files API). */
export function useCollab(): CollabConnection | null {
  return useContext(CollabContext);
}

const noSubscription = () => () => undefined;
const getNoPresence = () => noPresence;

/** Who else is online in the project and which files they have open; nobody outside `CollabProvider`. */
export function usePresence(): Presence {
  const connection = useCollab();
  return useSyncExternalStore(
    connection?.subscribePresence ?? noSubscription,
    connection?.getPresence ?? getNoPresence,
  );
}
