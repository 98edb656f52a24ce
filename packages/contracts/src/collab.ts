import { z } from 'zod';
import { IdSchema } from './common.js';

/**
 * Co-editing on `/collab` (Hocuspocus / Yjs). One Yjs document per open workspace file, named
 * `<projectId>/<path>`, its text in the `Y.Text` named {@link collabTextField}; and one awareness-only
 * document per project, named `<projectId>`, for presence (who is online, which file each has open).
 *
 * Browsers authenticate with their session cookie (the upgrade must come from the IDE origin); other clients
 * pass an API token as the provider's `token`. `read` members join read-only; `write` members edit.
 */
export const collabPath = '/collab';
export const collabTextField = 'content';

export function collabDocumentName(projectId: string, path: string): string {
  return `${projectId}/${path}`;
}

export function presenceDocumentName(projectId: string): string {
  return projectId;
}

/** The project and, for a file's document, its workspace path; null for a name that is neither. */
export function parseCollabDocumentName(name: string): { projectId: string; path: string | null } | null {
  const slash = name.indexOf('/');
  const projectId = slash === -1 ? name : name.slice(0, slash);
  if (!IdSchema.safeParse(projectId).success) return null;
  if (slash === -1) return { projectId, path: null };
  const path = name.slice(slash + 1);
  return path.length > 0 ? { projectId, path } : null;
}

export const CollabUserSchema = z.object({
  id: IdSchema,
  name: z.string(),
  /** `#rrggbb`, the same for a user everywhere ({@link collabColor}). */
  color: z.string(),
});
export type CollabUser = z.infer<typeof CollabUserSchema>;

/** A client's awareness state: on a file's document (cursor via y-monaco) and on the presence document. */
export const CollabAwarenessSchema = z.object({
  user: CollabUserSchema,
  /** On the presence document: the file this client has in front of it, if any. */
  openFile: z.string().nullable().optional(),
});
export type CollabAwareness = z.infer<typeof CollabAwarenessSchema>;

const palette = ['#e5534b', '#3b82f6', '#22a06b', '#c678dd', '#e0a526', '#1aa3b8', '#f06292', '#8d6e63'];

/** A user's colour, from their id, so every client draws the same person in the same colour. */
export function collabColor(userId: string): string {
  let hash = 0;
  for (const character of userId) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length] ?? palette[0]!;
}
