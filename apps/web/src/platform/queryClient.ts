import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './ApiError';

/** Retries only what a retry can fix: network blips and 5xx, never 4xx answers. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failures, error) =>
          failures < 2 && (!(error instanceof ApiError) || error.code === 'network' || error.status >= 500),
        refetchOnWindowFocus: false,
      },
    },
  });
}
