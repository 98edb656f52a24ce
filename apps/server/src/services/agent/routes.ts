import {
  AgentStatusSchema,
  ApprovalBodySchema,
  ChatBodySchema,
  ChatStartedSchema,
  IdParamsSchema,
  ReviewBodySchema,
  ThreadListSchema,
  TurnListSchema,
  TurnSchema,
} from '@vaporform/contracts';
import { z } from 'zod';
import { typed, type HttpApp } from '../../platform/http/createHttpApp.js';
import { callerOf } from '../../platform/http/requestContext.js';
import type { AgentService } from './service.js';

const TurnParamsSchema = z.strictObject({ id: z.uuid(), turnId: z.uuid() });
const ThreadParamsSchema = z.strictObject({ id: z.uuid(), threadId: z.uuid() });

/**
 * The chat routes of the public API. A turn runs in the background: `POST …/chat` answers 202 at once, the
 * turn streams over `/api/ws` (`agent.turn` events) and `GET …/chat/turns/:turnId` reports it for scripts.
 */
export function registerAgentRoutes(app: HttpApp, agent: AgentService): void {
  const api = typed(app);
  const tags = ['agent'];

  api.get(
    '/api/agent/status',
    {
      config: { policy: { access: 'authenticated' } },
      schema: {
        tags,
        description: 'Whether a model is configured, and how to add one',
        response: { 200: AgentStatusSchema },
      },
    },
    async (request) => agent.status(callerOf(request).userId),
  );

  api.post(
    '/api/projects/:id/chat',
    {
      // Reading members may ask; the tools themselves refuse what their permission does not allow.
      config: { policy: { access: 'project', permission: 'read' } },
      schema: { tags, params: IdParamsSchema, body: ChatBodySchema, response: { 202: ChatStartedSchema } },
    },
    async (request, reply) =>
      reply.code(202).send(await agent.start(callerOf(request), request.params.id, request.body)),
  );

  api.get(
    '/api/projects/:id/chat/turns/:turnId',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: { tags, params: TurnParamsSchema, response: { 200: TurnSchema } },
    },
    async (request) => agent.turn(request.params.id, request.params.turnId),
  );

  api.post(
    '/api/projects/:id/chat/turns/:turnId/cancel',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: { tags, params: TurnParamsSchema, response: { 200: TurnSchema } },
    },
    async (request) => agent.cancel(callerOf(request), request.params.id, request.params.turnId),
  );

  api.post(
    '/api/projects/:id/chat/turns/:turnId/rewind',
    {
      config: { policy: { access: 'project', permission: 'write' } },
      schema: {
        tags,
        params: TurnParamsSchema,
        response: { 200: z.object({ restoredCheckpoint: z.string().nullable() }) },
      },
    },
    async (request) => agent.rewind(callerOf(request), request.params.id, request.params.turnId),
  );

  api.post(
    '/api/projects/:id/chat/turns/:turnId/review',
    {
      config: { policy: { access: 'project', permission: 'write' } },
      schema: {
        tags,
        description:
          'Accept or reject files of a review-mode turn’s proposal (all pending ones without `paths`)',
        params: TurnParamsSchema,
        body: ReviewBodySchema,
        response: { 200: TurnSchema },
      },
    },
    async (request) =>
      agent.review(callerOf(request), request.params.id, request.params.turnId, request.body),
  );

  api.post(
    '/api/projects/:id/chat/turns/:turnId/approval',
    {
      // MCP tools run in the container (stdio) or reach out (HTTP): allowing one is running it.
      config: { policy: { access: 'project', permission: 'execute' } },
      schema: {
        tags,
        description: 'Allow or refuse an MCP tool a running turn waits on; remembered for the project',
        params: TurnParamsSchema,
        body: ApprovalBodySchema,
        response: { 200: TurnSchema },
      },
    },
    async (request) =>
      agent.approve(callerOf(request), request.params.id, request.params.turnId, request.body),
  );

  api.get(
    '/api/projects/:id/chat/threads',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: { tags, params: IdParamsSchema, response: { 200: ThreadListSchema } },
    },
    async (request) => agent.threads(request.params.id),
  );

  api.get(
    '/api/projects/:id/chat/threads/:threadId/turns',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: { tags, params: ThreadParamsSchema, response: { 200: TurnListSchema } },
    },
    async (request) => agent.turns(request.params.id, request.params.threadId),
  );
}
