import { z } from 'zod';

/**
 * Project permissions are ordered: each level includes the ones before it. `execute` (running commands in
 * the project's container) can change files anyway, so it implies `write`; `admin` implies everything.
 */
export const projectPermissions = ['read', 'write', 'execute', 'admin'] as const;
export const ProjectPermissionSchema = z.enum(projectPermissions);
export type ProjectPermission = z.infer<typeof ProjectPermissionSchema>;

export function permissionIncludes(held: ProjectPermission, needed: ProjectPermission): boolean {
  return projectPermissions.indexOf(held) >= projectPermissions.indexOf(needed);
}

export const UserRoleSchema = z.enum(['admin', 'user']);
export type UserRole = z.infer<typeof UserRoleSchema>;
