import { useEffect, useEffectEvent } from 'react';
import { ProjectSocket, type ProjectListener, type ProjectSocketEvent } from './ProjectSocket';

let shared: ProjectSocket | undefined;

/** The tab's project socket, created on first use. */
export function projectSocket(): ProjectSocket {
  shared ??= new ProjectSocket();
  return shared;
}

/** Ends the socket on sign-out; the next sign-in gets a fresh one. */
export function closeProjectSocket(): void {
  shared?.close();
  shared = undefined;
}

/**
 * Listens to a project's events while the component is mounted. The listener may change on every render;
 * the subscription does not.
 */
export function useProjectEvents(projectId: string | undefined, listener: ProjectListener): void {
  const onEvent = useEffectEvent((event: ProjectSocketEvent) => listener.event?.(event));
  const onSubscribed = useEffectEvent(() => listener.subscribed?.());
  const onEnded = useEffectEvent((reason: 'revoked' | 'deleted' | 'not_found') => listener.ended?.(reason));
  useEffect(() => {
    if (!projectId) return undefined;
    return projectSocket().listen(projectId, { event: onEvent, subscribed: onSubscribed, ended: onEnded });
  }, [projectId]);
}
