import { TemplateListSchema } from '@vaporform/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { queryKeys } from '../../platform/queryKeys';

/** The server's templates; they change only when the server does, so they are fetched once. */
export function useTemplates() {
  return useQuery({
    queryKey: queryKeys.templates,
    queryFn: () => api('/api/templates', { schema: TemplateListSchema }),
    staleTime: Infinity,
  });
}
