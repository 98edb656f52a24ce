import {
  permissionIncludes,
  ProjectSchema,
  type Project,
  type ProjectPermission,
} from '@vaporform/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiPath } from './api';
import { useProjectEvents } from './projectEvents';
import { queryKeys } from './queryKeys';

/** One project as the caller sees it (their permission included), kept fresh by the project socket. */
export function useProject(projectId: string) {
  const client = useQueryClient();
  useProjectEvents(projectId, {
    event: (event) => {
      if (event.name === 'project.updated' || event.name === 'member.changed') {
        void client.invalidateQueries({ queryKey: queryKeys.project(projectId), exact: true });
      }
    },
  });
  return useQuery({
    queryKey: queryKeys.project(projectId),
    queryFn: () => api(apiPath('projects', projectId), { schema: ProjectSchema }),
  });
}

/** Whether the caller's permission on the project includes `needed` (admin ⊇ execute ⊇ write ⊇ read). */
export function can(project: Project, needed: ProjectPermission): boolean {
  return permissionIncludes(project.permission, needed);
}
