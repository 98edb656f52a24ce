import { z } from 'zod';

export interface TreeEntry {
  name: string;
  /** Workspace-relative, `/`-separated, no leading slash. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  size?: number;
  children?: TreeEntry[];
}
export const TreeEntrySchema: z.ZodType<TreeEntry> = z.lazy(() =>
  z.object({
    name: z.string(),
    path: z.string(),
    type: z.enum(['file', 'directory', 'symlink']),
    size: z.number().int().optional(),
    children: z.array(TreeEntrySchema).optional(),
  }),
);
export const TreeSchema = z.object({ root: z.array(TreeEntrySchema), truncated: z.boolean() });

export const TreeQuerySchema = z.strictObject({
  /** Include what `.gitignore`, `node_modules` and `.git` would hide. */
  all: z.enum(['true', 'false']).optional(),
  /** Include each file's size (a stat per file). */
  sizes: z.enum(['true', 'false']).optional(),
});

export const MoveBodySchema = z.strictObject({ from: z.string().min(1), to: z.string().min(1) });
export const MkdirBodySchema = z.strictObject({ path: z.string().min(1) });

export const SearchBodySchema = z.strictObject({
  query: z.string().min(1).max(500),
  regex: z.boolean().default(false),
  caseSensitive: z.boolean().default(false),
  include: z.array(z.string().max(200)).max(20).default([]),
  exclude: z.array(z.string().max(200)).max(20).default([]),
  maxResults: z.number().int().min(1).max(5000).default(500),
});
export type SearchBody = z.infer<typeof SearchBodySchema>;
export const SearchMatchSchema = z.object({
  path: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  text: z.string(),
});
export const SearchResultSchema = z.object({
  matches: z.array(SearchMatchSchema),
  truncated: z.boolean(),
  filesSearched: z.number().int(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const CheckpointSchema = z.object({
  id: z.string(),
  message: z.string(),
  author: z.object({ name: z.string(), email: z.string() }),
  createdAt: z.string(),
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;
export const CheckpointListSchema = z.array(CheckpointSchema);
export const CreateCheckpointBodySchema = z.strictObject({
  message: z.string().trim().min(1).max(500).optional(),
});
export const CheckpointDiffQuerySchema = z.strictObject({
  from: z.string().min(4).max(64),
  to: z.string().min(4).max(64).optional(),
});
export const CheckpointDiffSchema = z.object({
  from: z.string(),
  to: z.string(),
  files: z.array(
    z.object({
      path: z.string(),
      status: z.enum(['added', 'modified', 'deleted', 'renamed']),
      additions: z.number().int().nullable(),
      deletions: z.number().int().nullable(),
    }),
  ),
  patch: z.string(),
});
export const RestoreResultSchema = z.object({
  restored: CheckpointSchema,
  safetyCheckpoint: CheckpointSchema.nullable(),
});
