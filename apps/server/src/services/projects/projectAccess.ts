import type { ProjectPermission } from '@vaporform/contracts';
import type { Principal, ProjectAuthorizer } from '../../platform/http/policy.js';
import type { ProjectStore } from './store.js';

/**
 * The one answer to "what may this principal do on this project?", used by every route and socket through
 * the HTTP edge. Platform admins manage every project; everyone else needs a membership row.
 */
export class ProjectAccess implements ProjectAuthorizer {
  constructor(private readonly store: ProjectStore) {}

  async idForSlug(slug: string): Promise<string | null> {
    return (await this.store.findBySlug(slug))?.id ?? null;
  }

  async permissionOf(principal: Principal, projectId: string): Promise<ProjectPermission | null> {
    if (principal.role === 'admin') return (await this.store.exists(projectId)) ? 'admin' : null;
    return (await this.store.memberPermission(projectId, principal.userId)) ?? null;
  }
}
