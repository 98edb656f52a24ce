import { z } from 'zod';
import { IdSchema, IsoDateSchema } from './common.js';

/** Environment-variable style, because project secrets become a container's environment. */
export const SecretNameSchema = z
  .string()
  .regex(
    /^[A-Z_][A-Z0-9_]{0,127}$/,
    'must be 1–128 upper-case letters, digits or underscores, not starting with a digit (like DATABASE_URL)',
  );

/** Which environment a project secret is for (e.g. `production`); absent means every environment. */
export const SecretEnvironmentSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be 1–32 lower-case letters, digits or dashes (like production)');

export const maxSecretValueChars = 32 * 1024;

/** NUL cannot travel in an environment variable, so it is refused here rather than cut off later. */
export const SecretValueSchema = z
  .string()
  .max(maxSecretValueChars, `must be at most ${maxSecretValueChars} characters`)
  .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

export const ProjectSecretParamsSchema = z.strictObject({ id: IdSchema, name: SecretNameSchema });
export const UserSecretParamsSchema = z.strictObject({ name: SecretNameSchema });

export const PutProjectSecretBodySchema = z.strictObject({
  value: SecretValueSchema,
  environment: SecretEnvironmentSchema.nullable().optional(),
});
export type PutProjectSecretBody = z.infer<typeof PutProjectSecretBodySchema>;

export const PutUserSecretBodySchema = z.strictObject({ value: SecretValueSchema });
export type PutUserSecretBody = z.infer<typeof PutUserSecretBodySchema>;

/** What may be shown about a project secret: never its value, which is write-only. */
export const ProjectSecretSchema = z.object({
  name: z.string(),
  environment: z.string().nullable(),
  /** Starts at 1 and grows with every write of the value. */
  version: z.number().int(),
  updatedAt: IsoDateSchema,
  /** Null once that account is gone. */
  updatedBy: z.object({ id: IdSchema, name: z.string() }).nullable(),
});
export type ProjectSecret = z.infer<typeof ProjectSecretSchema>;
export const ProjectSecretListSchema = z.array(ProjectSecretSchema);

/** A signed-in user's own secret (e.g. their ANTHROPIC_API_KEY for the agent); never its value. */
export const UserSecretSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  updatedAt: IsoDateSchema,
});
export type UserSecret = z.infer<typeof UserSecretSchema>;
export const UserSecretListSchema = z.array(UserSecretSchema);

/**
 * Moves variables from a dotenv file in the workspace into project secrets. Without `confirm: true` it only
 * answers what it would do; with it, the chosen values become secrets and their lines leave the file.
 */
export const ImportSecretsBodySchema = z.strictObject({
  /** Workspace-relative (default `.env`). */
  path: z.string().min(1).max(1024).optional(),
  /** Which variables to move (default: every one the file holds under a valid secret name). */
  names: z.array(SecretNameSchema).min(1).max(500).optional(),
  /** Scopes the imported secrets, as `environment` on `PUT …/secrets/:name` does. */
  environment: SecretEnvironmentSchema.nullable().optional(),
  confirm: z.boolean().optional(),
});
export type ImportSecretsBody = z.infer<typeof ImportSecretsBodySchema>;

/** What an import found and did; never a value. */
export const ImportSecretsResultSchema = z.object({
  path: z.string(),
  /** False for a preview (no `confirm: true`): nothing was changed. */
  applied: z.boolean(),
  /** Every variable the file assigns under a valid secret name, in file order (a repeated name once). */
  variables: z.array(
    z.object({
      name: z.string(),
      /** 1-based line of its (last) assignment. */
      line: z.number().int(),
      /** A project secret of that name exists already (importing replaces it). */
      exists: z.boolean(),
      /** Chosen by `names` (or by default). */
      selected: z.boolean(),
    }),
  ),
  /** Lines left alone because they could not be read as a secret (an invalid name, an unclosed quote…). */
  skipped: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  /** The secrets written and removed from the file (empty for a preview). */
  imported: z.array(z.string()),
});
export type ImportSecretsResult = z.infer<typeof ImportSecretsResultSchema>;
