import { z } from 'zod';
import { IdSchema } from './common.js';
import { AgentStreamEventSchema } from './agent.js';
import { ContainerPhaseSchema, StopReasonSchema } from './containers.js';

/**
 * Domain events from the seed's VaporformEvents. Payloads are schemas so that a Redis-backed bus can
 * parse what another replica sent instead of trusting it.
 */
export const eventSchemas = {
  'project.created': z.object({ projectId: IdSchema, ownerId: IdSchema, templateId: z.string() }),
  'project.updated': z.object({ projectId: IdSchema, fields: z.array(z.string()) }),
  'project.deleted': z.object({ projectId: IdSchema }),
  'container.started': z.object({ projectId: IdSchema, containerId: z.string() }),
  'container.stopped': z.object({ projectId: IdSchema, containerId: z.string(), reason: StopReasonSchema }),
  /**
   * Every phase change, with the progress message the IDE shows. `restartRequired: true` comes with the
   * current phase when a secret changed under a running container; absent means unchanged (a start clears it).
   */
  'container.status': z.object({
    projectId: IdSchema,
    status: ContainerPhaseSchema,
    message: z.string().nullable(),
    restartRequired: z.boolean().optional(),
  }),
  'file.changed': z.object({
    projectId: IdSchema,
    path: z.string(),
    kind: z.enum(['created', 'modified', 'deleted', 'renamed']),
  }),
  'claude.response': z.object({ projectId: IdSchema, turnId: IdSchema, status: z.string() }),
  /** Every step of an agent turn, in order, for the chat panels watching the project. */
  'agent.turn': z.object({
    projectId: IdSchema,
    threadId: IdSchema,
    turnId: IdSchema,
    userId: IdSchema,
    seq: z.number().int(),
    event: AgentStreamEventSchema,
  }),
  'member.changed': z.object({ projectId: IdSchema, userId: IdSchema }),
  /** A project secret was set or deleted. It carries no names or values: ask the secrets service. */
  'secrets.changed': z.object({ projectId: IdSchema }),
  /** One of a user's own secrets was set or deleted (e.g. their model key); no names or values either. */
  'user.secrets.changed': z.object({ userId: IdSchema }),
} as const;

export type EventName = keyof typeof eventSchemas;
export const eventNames = Object.keys(eventSchemas) as EventName[];
export type VaporformEvents = { [K in EventName]: z.infer<(typeof eventSchemas)[K]> };
