import { ContainerInfoSchema, type ContainerInfo } from '@vaporform/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiPath } from './api';
import { useProjectEvents } from './projectEvents';
import { queryKeys } from './queryKeys';

/**
 * The project's container as the server last described it, patched live from `container.status` events and
 * refetched when the socket (re)subscribes. `data` is undefined while loading; an error means the server
 * has no container runtime or the caller cannot see the project.
 */
export function useContainer(projectId: string) {
  const client = useQueryClient();
  const key = queryKeys.container(projectId);
  useProjectEvents(projectId, {
    subscribed: () => void client.invalidateQueries({ queryKey: key, exact: true }),
    event: (event) => {
      if (event.name === 'container.status') {
        const { status, message } = event.payload as Pick<ContainerInfo, 'status' | 'message'>;
        client.setQueryData<ContainerInfo>(key, (current) =>
          current ? { ...current, status, message } : current,
        );
      }
      // The full record (address, restarts, last lines) changes with these; fetch it again.
      if (
        event.name === 'container.started' ||
        event.name === 'container.stopped' ||
        event.name === 'container.status'
      ) {
        void client.invalidateQueries({ queryKey: key, exact: true });
      }
    },
  });
  return useQuery({
    queryKey: key,
    queryFn: () => api(apiPath('projects', projectId, 'container'), { schema: ContainerInfoSchema }),
    retry: false,
  });
}
