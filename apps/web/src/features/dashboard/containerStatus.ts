import {
  ContainerInfoSchema,
  ContainerPhaseSchema,
  type ContainerInfo,
  type ContainerPhase,
} from '@vaporform/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { api, apiPath } from '../../platform/api';
import { ApiError } from '../../platform/ApiError';
import { useProjectEvents } from '../../platform/projectEvents';
import { queryKeys } from '../../platform/queryKeys';

/** `{status, message}` from a `container.status` event payload; null when it is not one. */
export function parseContainerStatus(
  payload: Record<string, unknown>,
): { status: ContainerPhase; message: string | null } | null {
  const status = ContainerPhaseSchema.safeParse(payload.status);
  if (!status.success) return null;
  return { status: status.data, message: typeof payload.message === 'string' ? payload.message : null };
}

export const phaseLabels: Record<ContainerPhase, string> = {
  stopped: 'Stopped',
  creating: 'Creating',
  installing: 'Installing',
  starting: 'Starting',
  running: 'Running',
  crashed: 'Crashed',
};

export type StatusTone = 'idle' | 'busy' | 'ok' | 'error' | 'unknown';

export function statusTone(phase: ContainerPhase): StatusTone {
  if (phase === 'running') return 'ok';
  if (phase === 'crashed') return 'error';
  if (phase === 'stopped') return 'idle';
  return 'busy';
}

/** What to show when the status could not be read: no runtime on this server, or something else. */
export function statusErrorLabel(error: unknown): string {
  if (error instanceof ApiError && error.code === 'unavailable') return 'No runtime';
  return 'Status unknown';
}

/**
 * A project's container as `GET /api/projects/:id/container` answers it, kept live by `container.status`
 * events from the project socket; refetched after a reconnect in case events were missed.
 */
export function useContainerStatus(projectId: string) {
  const client = useQueryClient();
  const key = queryKeys.container(projectId);
  const subscribedBefore = useRef(false);
  const query = useQuery({
    queryKey: key,
    queryFn: () => api(apiPath('projects', projectId, 'container'), { schema: ContainerInfoSchema }),
    retry: false,
    staleTime: 30_000,
  });
  useProjectEvents(projectId, {
    event: (event) => {
      if (event.name !== 'container.status') return;
      const update = parseContainerStatus(event.payload);
      if (!update) return;
      const known = client.getQueryData<ContainerInfo>(key);
      if (known) client.setQueryData<ContainerInfo>(key, { ...known, ...update });
      else void client.invalidateQueries({ queryKey: key, exact: true });
    },
    subscribed: () => {
      // The first subscription comes with the first fetch; later ones (reconnects) may have missed events.
      if (subscribedBefore.current) void client.invalidateQueries({ queryKey: key, exact: true });
      subscribedBefore.current = true;
    },
  });
  return query;
}
