import {
  AgentStatusSchema,
  ChatStartedSchema,
  ThreadListSchema,
  TurnSchema,
  type ApprovalBody,
  type ChatBody,
  type ReviewBody,
} from '@vaporform/contracts';
import { z } from 'zod';
import { api, apiPath } from '../../platform/api';

/**
 * A turn as the server reports it. `lastSeq`, when the server sends it, is the `seq` of the last stream event
 * the snapshot includes, so the events after it can be applied exactly; without it the chat estimates.
 */
export const ServerTurnSchema = TurnSchema.extend({ lastSeq: z.number().int().optional() });
export type ServerTurn = z.infer<typeof ServerTurnSchema>;
const ServerTurnListSchema = z.array(ServerTurnSchema);

export const fetchAgentStatus = () => api(apiPath('agent', 'status'), { schema: AgentStatusSchema });

export const fetchThreads = (projectId: string, signal?: AbortSignal) =>
  api(apiPath('projects', projectId, 'chat', 'threads'), { schema: ThreadListSchema, signal });

export const fetchTurns = (projectId: string, threadId: string, signal?: AbortSignal) =>
  api(apiPath('projects', projectId, 'chat', 'threads', threadId, 'turns'), {
    schema: ServerTurnListSchema,
    signal,
  });

export const startTurn = (projectId: string, body: ChatBody) =>
  api(apiPath('projects', projectId, 'chat'), { method: 'POST', body, schema: ChatStartedSchema });

export const cancelTurn = (projectId: string, turnId: string) =>
  api(apiPath('projects', projectId, 'chat', 'turns', turnId, 'cancel'), {
    method: 'POST',
    schema: ServerTurnSchema,
  });

export const rewindTurn = (projectId: string, turnId: string) =>
  api(apiPath('projects', projectId, 'chat', 'turns', turnId, 'rewind'), {
    method: 'POST',
    schema: z.object({ restoredCheckpoint: z.string().nullable() }),
  });

export const reviewTurn = (projectId: string, turnId: string, body: ReviewBody) =>
  api(apiPath('projects', projectId, 'chat', 'turns', turnId, 'review'), {
    method: 'POST',
    body,
    schema: ServerTurnSchema,
  });

export const answerApproval = (projectId: string, turnId: string, body: ApprovalBody) =>
  api(apiPath('projects', projectId, 'chat', 'turns', turnId, 'approval'), {
    method: 'POST',
    body,
    schema: ServerTurnSchema,
  });
