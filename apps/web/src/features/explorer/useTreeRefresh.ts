import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { useProjectEvents } from '../../platform/projectEvents';
import { queryKeys } from '../../platform/queryKeys';

/** Refetches the tree on request and when files change on the server; resolves once it was refetched. */
export function useTreeRefresh(projectId: string): () => Promise<void> {
  const client = useQueryClient();
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refresh = useCallback(
    () => client.invalidateQueries({ queryKey: queryKeys.tree(projectId) }),
    [client, projectId],
  );

  // Changes arrive in bursts (npm install): refresh 150 ms after the first, and again after a fetch in flight.
  const scheduleRefresh = useCallback(() => {
    if (refreshTimer.current !== undefined) return;
    const fire = () => {
      if (client.isFetching({ queryKey: queryKeys.tree(projectId) }) > 0) {
        refreshTimer.current = setTimeout(fire, 150);
        return;
      }
      refreshTimer.current = undefined;
      void refresh();
    };
    refreshTimer.current = setTimeout(fire, 150);
  }, [client, projectId, refresh]);
  useEffect(() => () => clearTimeout(refreshTimer.current), []);

  useProjectEvents(projectId, {
    event: (event) => {
      if (event.name === 'file.changed') scheduleRefresh();
    },
    subscribed: () => void refresh(),
  });

  return refresh;
}
