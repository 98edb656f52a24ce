import type { Project } from '@vaporform/contracts';

/** Projects the person owns and projects others shared with them, each in the server's order. */
export function splitProjects(
  projects: readonly Project[],
  userId: string,
): { mine: Project[]; shared: Project[] } {
  const mine: Project[] = [];
  const shared: Project[] = [];
  for (const project of projects) (project.ownerId === userId ? mine : shared).push(project);
  return { mine, shared };
}

/** Deleting wipes the workspace, so only the owner and platform admins may (the server checks the same). */
export function canDelete(project: Project, user: { id: string; role: 'admin' | 'user' }): boolean {
  return project.ownerId === user.id || user.role === 'admin';
}
