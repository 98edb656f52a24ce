import { z } from 'zod';
import { IdSchema } from './common.js';
import { ErrorCodeSchema } from './errors.js';
import type { eventNames } from './events.js';
import { ProjectPermissionSchema } from './permissions.js';

/**
 * The project socket at `/api/ws`: one per browser tab, subscriptions per project. Each subscription is
 * authorized on its own (at least `read`) and ends with `unsubscribed {reason:'revoked'}` when that access
 * goes away; the socket itself closes when the session or token behind it does.
 */
export const ProjectSocketClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), projectId: IdSchema }),
  z.strictObject({ type: z.literal('unsubscribe'), projectId: IdSchema }),
]);
export type ProjectSocketClientMessage = z.infer<typeof ProjectSocketClientMessageSchema>;

/** Events a subscriber receives: the project's own, never another project's. */
export const projectSocketEventNames = [
  'project.updated',
  'project.deleted',
  'member.changed',
  'file.changed',
  'container.status',
  'container.started',
  'container.stopped',
  'claude.response',
  'agent.turn',
] as const satisfies readonly (typeof eventNames)[number][];
export const ProjectSocketEventNameSchema = z.enum(projectSocketEventNames);
export type ProjectSocketEventName = z.infer<typeof ProjectSocketEventNameSchema>;

export const ProjectSocketServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribed'), projectId: IdSchema, permission: ProjectPermissionSchema }),
  z.object({
    type: z.literal('unsubscribed'),
    projectId: IdSchema,
    reason: z.enum(['requested', 'revoked', 'deleted']),
  }),
  z.object({
    type: z.literal('event'),
    projectId: IdSchema,
    name: ProjectSocketEventNameSchema,
    payload: z.record(z.string(), z.unknown()),
  }),
  z.object({
    type: z.literal('error'),
    projectId: IdSchema.nullable(),
    code: ErrorCodeSchema,
    message: z.string(),
  }),
]);
export type ProjectSocketServerMessage = z.infer<typeof ProjectSocketServerMessageSchema>;
