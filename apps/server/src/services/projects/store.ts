import type { ProjectPermission, Visibility } from '@vaporform/contracts';
import type { ColumnType, Selectable } from 'kysely';
import type { SharedDb } from '../../platform/db/openDatabase.js';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

interface ProjectsTable {
  id: string;
  slug: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  template_id: string;
  visibility: ColumnType<'private' | 'public', 'private' | 'public' | undefined, 'private' | 'public'>;
  owner_id: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

interface ProjectMembersTable {
  project_id: string;
  user_id: string;
  permission: ProjectPermission;
  created_at: CreatedAt;
}

/** The latest time each user opened each project (the project list's "recently opened" order). */
interface ProjectVisitsTable {
  project_id: string;
  user_id: string;
  opened_at: Date;
}

// A type alias, not an interface: Kysely's withTables needs the implicit index signature.
export type ProjectTables = {
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
  project_visits: ProjectVisitsTable;
  // Read-only here: names and emails for member lists (owned by auth).
  users: { id: string; email: string; name: string };
};

export type ProjectRow = Selectable<ProjectsTable>;
export type ProjectWithPermission = ProjectRow & {
  permission: ProjectPermission;
  /** The listing user's own last visit. */
  last_opened_at: Date | null;
};
export interface MemberRow {
  user_id: string;
  email: string;
  name: string;
  permission: ProjectPermission;
  owner_id: string;
}

const uniqueViolation = '23505';
const foreignKeyViolation = '23503';

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === uniqueViolation;
}

export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string }).code === foreignKeyViolation;
}

/** Persistence for projects and memberships. */
export class ProjectStore {
  private readonly db;

  constructor(shared: SharedDb) {
    this.db = shared.withTables<ProjectTables>();
  }

  async memberPermission(projectId: string, userId: string): Promise<ProjectPermission | undefined> {
    const row = await this.db
      .selectFrom('project_members')
      .select('permission')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.permission;
  }

  /** Inserts the project and its owner's admin membership together. Throws a unique violation on slug. */
  async insertProject(project: {
    id: string;
    slug: string;
    name: string;
    description: string;
    templateId: string;
    visibility: Visibility;
    ownerId: string;
  }): Promise<ProjectRow> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('projects')
        .values({
          id: project.id,
          slug: project.slug,
          name: project.name,
          description: project.description,
          template_id: project.templateId,
          visibility: project.visibility,
          owner_id: project.ownerId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('project_members')
        .values({ project_id: project.id, user_id: project.ownerId, permission: 'admin' })
        .execute();
      return row;
    });
  }

  /** The user's projects, the ones they opened most recently first, then the never-opened by last change. */
  listForUser(userId: string): Promise<ProjectWithPermission[]> {
    return this.db
      .selectFrom('projects')
      .innerJoin('project_members', 'project_members.project_id', 'projects.id')
      .leftJoin('project_visits', (join) =>
        join.onRef('project_visits.project_id', '=', 'projects.id').on('project_visits.user_id', '=', userId),
      )
      .selectAll('projects')
      .select(['project_members.permission', 'project_visits.opened_at as last_opened_at'])
      .where('project_members.user_id', '=', userId)
      .orderBy('project_visits.opened_at', (order) => order.desc().nullsLast())
      .orderBy('projects.updated_at', 'desc')
      .execute();
  }

  async lastVisit(projectId: string, userId: string): Promise<Date | null> {
    const row = await this.db
      .selectFrom('project_visits')
      .select('opened_at')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.opened_at ?? null;
  }

  /** Only the latest visit is kept. */
  async recordVisit(projectId: string, userId: string, at: Date): Promise<void> {
    await this.db
      .insertInto('project_visits')
      .values({ project_id: projectId, user_id: userId, opened_at: at })
      .onConflict((conflict) => conflict.columns(['project_id', 'user_id']).doUpdateSet({ opened_at: at }))
      .execute();
  }

  find(projectId: string): Promise<ProjectRow | undefined> {
    return this.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
  }

  findBySlug(slug: string): Promise<ProjectRow | undefined> {
    return this.db.selectFrom('projects').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  async update(
    projectId: string,
    fields: {
      name?: string | undefined;
      slug?: string | undefined;
      description?: string | undefined;
      visibility?: Visibility | undefined;
    },
  ): Promise<ProjectRow> {
    return this.db
      .updateTable('projects')
      .set({ ...fields, updated_at: new Date() })
      .where('id', '=', projectId)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(projectId: string): Promise<void> {
    await this.db.deleteFrom('projects').where('id', '=', projectId).execute();
  }

  listMembers(projectId: string): Promise<MemberRow[]> {
    return this.db
      .selectFrom('project_members')
      .innerJoin('users', 'users.id', 'project_members.user_id')
      .innerJoin('projects', 'projects.id', 'project_members.project_id')
      .select([
        'project_members.user_id',
        'users.email',
        'users.name',
        'project_members.permission',
        'projects.owner_id',
      ])
      .where('project_members.project_id', '=', projectId)
      .orderBy('project_members.created_at')
      .execute();
  }

  async upsertMember(projectId: string, userId: string, permission: ProjectPermission): Promise<void> {
    await this.db
      .insertInto('project_members')
      .values({ project_id: projectId, user_id: userId, permission })
      .onConflict((conflict) => conflict.columns(['project_id', 'user_id']).doUpdateSet({ permission }))
      .execute();
  }

  async removeMember(projectId: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('project_members')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async transferOwnership(projectId: string, newOwnerId: string): Promise<ProjectRow> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('project_members')
        .set({ permission: 'admin' })
        .where('project_id', '=', projectId)
        .where('user_id', '=', newOwnerId)
        .execute();
      return trx
        .updateTable('projects')
        .set({ owner_id: newOwnerId, updated_at: new Date() })
        .where('id', '=', projectId)
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  async exists(projectId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('projects')
      .select('id')
      .where('id', '=', projectId)
      .executeTakeFirst();
    return row !== undefined;
  }
}
