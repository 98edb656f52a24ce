import { z } from 'zod';
import { EmailSchema } from './auth.js';
import { IdSchema, IsoDateSchema } from './common.js';
import { ProjectPermissionSchema } from './permissions.js';

export const VisibilitySchema = z.enum(['private', 'public']);
export type Visibility = z.infer<typeof VisibilitySchema>;

export const ProjectNameSchema = z.string().trim().min(1).max(80);

/** Host labels the platform keeps for itself. */
export const reservedSlugs = [
  'www',
  'api',
  'admin',
  'app',
  'apps',
  'preview',
  'git',
  'static',
  'assets',
] as const;

/** A DNS label, because the preview lives at `<slug>.preview.<host>`. */
export const SlugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'must be 1–40 lower-case letters, digits or inner dashes')
  .refine((slug) => !(reservedSlugs as readonly string[]).includes(slug), 'is reserved; choose another');

/**
 * The slug for a project created without one: the name in lower-case ASCII with dashes, never reserved or
 * empty. Shared so the new-project page shows the address the server will give.
 */
export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32)
    .replace(/-+$/g, '');
  const reserved = (reservedSlugs as readonly string[]).includes(base);
  return base === '' || reserved ? `project${base ? `-${base}` : ''}` : base;
}

export const ProjectSchema = z.object({
  id: IdSchema,
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  templateId: z.string(),
  visibility: VisibilitySchema,
  ownerId: IdSchema,
  /** The caller's own permission on the project. */
  permission: ProjectPermissionSchema,
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
  /** When the caller last opened the project in the IDE; null if never. */
  lastOpenedAt: IsoDateSchema.nullable(),
});
export type Project = z.infer<typeof ProjectSchema>;
export const ProjectListSchema = z.array(ProjectSchema);

export const CreateProjectBodySchema = z.strictObject({
  name: ProjectNameSchema,
  templateId: z.string().min(1).max(60),
  slug: SlugSchema.optional(),
  description: z.string().max(2000).optional(),
  visibility: VisibilitySchema.optional(),
});
export type CreateProjectBody = z.infer<typeof CreateProjectBodySchema>;

export const UpdateProjectBodySchema = z
  .strictObject({
    name: ProjectNameSchema.optional(),
    slug: SlugSchema.optional(),
    description: z.string().max(2000).optional(),
    visibility: VisibilitySchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change');

export const MemberSchema = z.object({
  userId: IdSchema,
  email: z.string(),
  name: z.string(),
  permission: ProjectPermissionSchema,
  isOwner: z.boolean(),
});
export type Member = z.infer<typeof MemberSchema>;
export const MemberListSchema = z.array(MemberSchema);

/** `PUT /api/projects/:id/members/:userId`. */
export const PutMemberBodySchema = z.strictObject({ permission: ProjectPermissionSchema });
/** `POST /api/projects/:id/members`: share by email. */
export const AddMemberBodySchema = z.strictObject({
  email: EmailSchema,
  permission: ProjectPermissionSchema,
});
export const TransferOwnershipBodySchema = z.strictObject({ userId: IdSchema });
