import type { ProjectPermission } from '@vaporform/contracts';
import type { ColumnType } from 'kysely';
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

// A type alias, not an interface: Kysely's withTables needs the implicit index signature.
export type ProjectTables = {
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
};

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

  async exists(projectId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('projects')
      .select('id')
      .where('id', '=', projectId)
      .executeTakeFirst();
    return row !== undefined;
  }
}
