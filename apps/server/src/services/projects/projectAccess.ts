import type { ProjectPermission } from '@vaporform/contracts';
import { LRUCache } from 'lru-cache';
import type { Principal, ProjectAuthorizer } from '../../platform/http/policy.js';
import type { ProjectStore } from './store.js';

/** How long an answer may be reused; membership changes in this process invalidate at once. */
const answerTtlMs = 5_000;

/**
 * The one answer to "what may this principal do on this project?", used by every route and socket through
 * the HTTP edge. Platform admins manage every project; everyone else needs a membership row. Answers are
 * kept for a few seconds because every project request asks; `forget` drops them when membership or the
 * project changes, so a revocation takes effect on the next request here (and within the TTL elsewhere).
 */
export class ProjectAccess implements ProjectAuthorizer {
  private readonly answers = new LRUCache<string, { permission: ProjectPermission | 'none' }>({
    max: 50_000,
    ttl: answerTtlMs,
  });

  /**
   * Bumped by `forget`: a lookup that started before a membership change must not store its (stale) answer
   * after the change dropped the cache, or a revoked member would keep access for another TTL.
   */
  private generation = 0;

  constructor(private readonly store: ProjectStore) {}

  async idForSlug(slug: string): Promise<string | null> {
    return (await this.store.findBySlug(slug))?.id ?? null;
  }

  async permissionOf(principal: Principal, projectId: string): Promise<ProjectPermission | null> {
    const key = `${projectId}:${principal.userId}`;
    let answer = this.answers.get(key);
    if (!answer) {
      const started = this.generation;
      const permission =
        principal.role === 'admin'
          ? (await this.store.exists(projectId))
            ? 'admin'
            : undefined
          : await this.store.memberPermission(projectId, principal.userId);
      answer = { permission: permission ?? 'none' };
      if (this.generation === started) this.answers.set(key, answer);
    }
    return answer.permission === 'none' ? null : answer.permission;
  }

  /** Drops cached answers for one member of a project, or for all of its members. */
  forget(projectId: string, userId?: string): void {
    this.generation += 1;
    if (userId) {
      this.answers.delete(`${projectId}:${userId}`);
      return;
    }
    for (const key of this.answers.keys()) if (key.startsWith(`${projectId}:`)) this.answers.delete(key);
  }
}
