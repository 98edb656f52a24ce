import { z } from 'zod';

export const StackSchema = z.enum(['node', 'python', 'go']);
export type Stack = z.infer<typeof StackSchema>;

/**
 * `templates/<id>/template.json`. Commands are shell strings run with `sh -c` in the project's container,
 * in `/workspace`, as devcontainer.json does.
 */
export const TemplateManifestSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by dashes'),
  name: z.string().min(1).max(60),
  description: z.string().min(1).max(300),
  language: z.enum(['typescript', 'javascript', 'python', 'go']),
  framework: z.string().min(1).max(40),
  /** Which runtime image runs it. */
  stack: StackSchema,
  /** Installs dependencies; null when there is nothing to install. */
  install: z.string().min(1).nullable(),
  /** Starts the app in watch/dev mode, listening on `port` on all interfaces. */
  dev: z.string().min(1),
  port: z.number().int().min(1024).max(65535),
  /** Answers 200 when the app is up. */
  healthPath: z.string().startsWith('/').default('/health'),
  env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), z.string()).default({}),
  /** Files whose change means the install command must run again. */
  dependencyFiles: z.array(z.string().min(1)).default([]),
  /** True when install needs a package registry the offline images do not carry (e.g. the Go proxy). */
  needsNetwork: z.boolean(),
  /** Whether the dev command reloads by itself on change; if not, the runtime restarts it. */
  reloadsItself: z.boolean().default(true),
  /**
   * Checks the agent runs in the container after a turn that changed files (typecheck, lint, tests); a
   * failing one is sent back to the model to repair. Each must work offline and exit non-zero on failure.
   */
  checks: z
    .array(z.strictObject({ name: z.string().min(1).max(40), command: z.string().min(1) }))
    .default([]),
});
export type TemplateManifest = z.infer<typeof TemplateManifestSchema>;

export const TemplateSummarySchema = TemplateManifestSchema.pick({
  id: true,
  name: true,
  description: true,
  language: true,
  framework: true,
  stack: true,
  port: true,
  needsNetwork: true,
});
export type TemplateSummary = z.infer<typeof TemplateSummarySchema>;
export const TemplateListSchema = z.array(TemplateSummarySchema);
