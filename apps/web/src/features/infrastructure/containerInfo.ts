import { ContainerInfoSchema, eventSchemas, type ContainerPhase } from '@vaporform/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, apiPath } from '../../platform/api';
import { useContainer } from '../../platform/container';
import { useProjectEvents } from '../../platform/projectEvents';
import { queryKeys } from '../../platform/queryKeys';
import { useNotify } from '../../ui/Toasts';

/** Phases in which the container exists (commands, terminals, logs and stats work), though the app may not. */
export function containerExists(status: ContainerPhase | undefined): boolean {
  return status === 'installing' || status === 'starting' || status === 'running' || status === 'crashed';
}

export interface ContainerStatusChange {
  status: ContainerPhase;
  message: string | null;
}

/**
 * The project's container (the platform's shared `useContainer` query, kept current by the project socket),
 * and `onStatus` to hear every phase change as it happens.
 */
export function useContainerInfo(projectId: string, onStatus?: (change: ContainerStatusChange) => void) {
  useProjectEvents(projectId, {
    event: (event) => {
      if (event.name !== 'container.status' || !onStatus) return;
      const parsed = eventSchemas['container.status'].safeParse(event.payload);
      if (parsed.success) onStatus({ status: parsed.data.status, message: parsed.data.message });
    },
  });
  return useContainer(projectId);
}

export type ContainerAction = 'start' | 'stop' | 'restart';

/** Start, stop or restart the container (`execute`); the answer (and then the socket) updates the status. */
export function useContainerAction(projectId: string) {
  const client = useQueryClient();
  const notify = useNotify();
  return useMutation({
    mutationFn: (action: ContainerAction) =>
      api(apiPath('projects', projectId, 'container', action), {
        method: 'POST',
        schema: ContainerInfoSchema,
      }),
    onSuccess: (info) => client.setQueryData(queryKeys.container(projectId), info),
    onError: (error) => notify.error(error),
  });
}

/** Short words for a phase, as the status line shows them. */
export const phaseLabels: Record<ContainerPhase, string> = {
  stopped: 'Stopped',
  creating: 'Creating container',
  installing: 'Installing dependencies',
  starting: 'Starting',
  running: 'Running',
  crashed: 'Crashed',
};
