import { randomBytes, randomUUID } from 'node:crypto';
import {
  slugify,
  type CreateProjectBody,
  type Member,
  type Project,
  type ProjectPermission,
  type Visibility,
} from '@vaporform/contracts';
import { AppError } from '../../platform/errors/AppError.js';
import type { EventBus } from '../../platform/events/EventBus.js';
import type { Principal } from '../../platform/http/policy.js';
import type { UserDirectory } from '../auth/index.js';
import { manifestFileName, type TemplateRegistry } from '../templates/index.js';
import {
  isForeignKeyViolation,
  isUniqueViolation,
  type MemberRow,
  type ProjectRow,
  type ProjectStore,
} from './store.js';

/** What project creation needs from the files and checkpoints services. */
export interface WorkspaceSeeder {
  createWorkspace(projectId: string, templateDir: string | undefined, exclude?: string[]): Promise<void>;
  removeWorkspace(projectId: string): Promise<void>;
  workspaceDir(projectId: string): string;
}
export interface InitialCheckpoint {
  init(projectId: string): Promise<void>;
  create(
    projectId: string,
    workspaceDir: string,
    input: { message: string; author: { name: string; email: string } },
  ): Promise<unknown>;
  remove(projectId: string): Promise<void>;
}

export interface ProjectsServiceOptions {
  store: ProjectStore;
  templates: TemplateRegistry;
  workspaces: WorkspaceSeeder;
  checkpoints: InitialCheckpoint;
  users: UserDirectory;
  events: EventBus;
}

function toProject(row: ProjectRow, permission: ProjectPermission, lastOpenedAt: Date | null): Project {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    templateId: row.template_id,
    visibility: row.visibility,
    ownerId: row.owner_id,
    permission,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lastOpenedAt: lastOpenedAt?.toISOString() ?? null,
  };
}

function toMember(row: MemberRow): Member {
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    permission: row.permission,
    isOwner: row.user_id === row.owner_id,
  };
}

/** Projects, their sharing, and the lifecycle of their workspace and checkpoint history. */
export class ProjectsService {
  constructor(private readonly options: ProjectsServiceOptions) {}

  /**
   * Creates the row, then the workspace from the template, then the first checkpoint. If any step fails,
   * what was made is removed again, so a failed create leaves nothing behind.
   */
  async create(principal: Principal, body: CreateProjectBody): Promise<Project> {
    const { store, templates, workspaces, checkpoints, events } = this.options;
    const template = templates.get(body.templateId);
    const id = randomUUID();
    const row = await this.insertWithSlug(body.slug, body.name, (slug) =>
      store.insertProject({
        id,
        slug,
        name: body.name,
        description: body.description ?? '',
        templateId: template.manifest.id,
        visibility: body.visibility ?? 'private',
        ownerId: principal.userId,
      }),
    );
    try {
      await workspaces.createWorkspace(id, template.directory, [manifestFileName]);
      await checkpoints.init(id);
      await checkpoints.create(id, workspaces.workspaceDir(id), {
        message: `Created from template ${template.manifest.id}`,
        author: { name: principal.name, email: principal.email },
      });
    } catch (error) {
      await Promise.allSettled([store.delete(id), workspaces.removeWorkspace(id), checkpoints.remove(id)]);
      throw error;
    }
    await events.publish('project.created', {
      projectId: id,
      ownerId: principal.userId,
      templateId: template.manifest.id,
    });
    return toProject(row, 'admin', null);
  }

  /** The caller's projects, most recently opened first (see `ProjectStore.listForUser`). */
  async list(principal: Principal): Promise<Project[]> {
    return (await this.options.store.listForUser(principal.userId)).map((row) =>
      toProject(row, row.permission, row.last_opened_at),
    );
  }

  /** `viewerId` is whose last visit `lastOpenedAt` shows; null (server-side callers) shows none. */
  async get(projectId: string, permission: ProjectPermission, viewerId: string | null): Promise<Project> {
    const row = await this.row(projectId);
    return toProject(row, permission, await this.lastVisit(projectId, viewerId));
  }

  /** The caller opened the project in the IDE now. */
  async recordVisit(projectId: string, userId: string): Promise<void> {
    try {
      await this.options.store.recordVisit(projectId, userId, new Date());
    } catch (error) {
      // The project was deleted after the route's permission check.
      if (isForeignKeyViolation(error)) throw AppError.notFound('Project');
      throw error;
    }
  }

  async update(
    projectId: string,
    permission: ProjectPermission,
    viewerId: string,
    fields: {
      name?: string | undefined;
      slug?: string | undefined;
      description?: string | undefined;
      visibility?: Visibility | undefined;
    },
  ): Promise<Project> {
    if ((fields.visibility !== undefined || fields.slug !== undefined) && permission !== 'admin') {
      throw AppError.forbidden("Changing visibility or the slug needs the 'admin' permission on the project");
    }
    let row: ProjectRow;
    try {
      row = await this.options.store.update(projectId, fields);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('conflict', `The slug '${fields.slug}' is taken; choose another`);
      throw error;
    }
    await this.options.events.publish('project.updated', { projectId, fields: Object.keys(fields) });
    return toProject(row, permission, await this.lastVisit(projectId, viewerId));
  }

  /**
   * Only the owner (or a platform admin) deletes: it wipes the workspace and every checkpoint. The row goes
   * first; workspace, checkpoints and container follow through the `project.deleted` event.
   */
  async delete(principal: Principal, projectId: string): Promise<void> {
    const project = await this.row(projectId);
    if (project.owner_id !== principal.userId && principal.role !== 'admin') {
      throw AppError.forbidden('Only the owner can delete the project');
    }
    await this.options.store.delete(projectId);
    await this.options.events.publish('project.deleted', { projectId });
  }

  async members(projectId: string): Promise<Member[]> {
    return (await this.options.store.listMembers(projectId)).map(toMember);
  }

  async addMemberByEmail(projectId: string, email: string, permission: ProjectPermission): Promise<Member> {
    const user = await this.options.users.findByEmail(email);
    if (!user) throw new AppError('not_found', `No user has the email ${email}; they need to sign up first`);
    return this.setMember(projectId, user.id, permission);
  }

  async setMember(projectId: string, userId: string, permission: ProjectPermission): Promise<Member> {
    const project = await this.row(projectId);
    if (userId === project.owner_id && permission !== 'admin') {
      throw new AppError('conflict', 'The owner must stay an admin; transfer ownership first');
    }
    if (!(await this.options.users.findById(userId))) throw AppError.notFound('User');
    await this.options.store.upsertMember(projectId, userId, permission);
    await this.options.events.publish('member.changed', { projectId, userId });
    const member = (await this.members(projectId)).find((entry) => entry.userId === userId);
    if (!member) throw AppError.notFound('Member');
    return member;
  }

  /** Admins remove anyone but the owner; any member may remove themselves (leave). */
  async removeMember(
    principal: Principal,
    permission: ProjectPermission,
    projectId: string,
    userId: string,
  ): Promise<void> {
    if (userId !== principal.userId && permission !== 'admin') {
      throw AppError.forbidden("Removing another member needs the 'admin' permission on the project");
    }
    const project = await this.row(projectId);
    if (userId === project.owner_id) {
      throw new AppError('conflict', 'The owner cannot be removed; transfer ownership first');
    }
    if (!(await this.options.store.removeMember(projectId, userId))) throw AppError.notFound('Member');
    await this.options.events.publish('member.changed', { projectId, userId });
  }

  /** Only the owner (or a platform admin) hands a project over, to someone already a member. */
  async transfer(principal: Principal, projectId: string, newOwnerId: string): Promise<Project> {
    const project = await this.row(projectId);
    if (project.owner_id !== principal.userId && principal.role !== 'admin') {
      throw AppError.forbidden('Only the owner can transfer the project');
    }
    const members = await this.options.store.listMembers(projectId);
    if (!members.some((member) => member.user_id === newOwnerId)) {
      throw new AppError('conflict', 'Share the project with the new owner before transferring it');
    }
    const row = await this.options.store.transferOwnership(projectId, newOwnerId);
    await this.options.events.publish('member.changed', { projectId, userId: newOwnerId });
    await this.options.events.publish('project.updated', { projectId, fields: ['ownerId'] });
    // The caller keeps the permission they had; a platform admin who is no member sees admin.
    return toProject(
      row,
      members.find((member) => member.user_id === principal.userId)?.permission ?? 'admin',
      await this.lastVisit(projectId, principal.userId),
    );
  }

  private async lastVisit(projectId: string, viewerId: string | null): Promise<Date | null> {
    return viewerId === null ? null : this.options.store.lastVisit(projectId, viewerId);
  }

  private async row(projectId: string): Promise<ProjectRow> {
    const row = await this.options.store.find(projectId);
    if (!row) throw AppError.notFound('Project');
    return row;
  }

  private async insertWithSlug(
    requested: string | undefined,
    name: string,
    insert: (slug: string) => Promise<ProjectRow>,
  ) {
    if (requested !== undefined) {
      try {
        return await insert(requested);
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('conflict', `The slug '${requested}' is taken; choose another`);
        throw error;
      }
    }
    const base = slugify(name);
    for (let attempt = 0; attempt < 5; attempt++) {
      const slug = attempt === 0 ? base : `${base.slice(0, 33)}-${randomBytes(3).toString('hex')}`;
      try {
        return await insert(slug);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    throw new AppError('conflict', 'Could not find a free slug for this name; pass one explicitly');
  }
}
