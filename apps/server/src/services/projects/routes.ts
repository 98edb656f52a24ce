import {
  AddMemberBodySchema,
  CreateProjectBodySchema,
  IdParamsSchema,
  MemberListSchema,
  MemberSchema,
  ProjectListSchema,
  ProjectSchema,
  PutMemberBodySchema,
  TransferOwnershipBodySchema,
  UpdateProjectBodySchema,
} from '@vaporform/contracts';
import { z } from 'zod';
import { typed, type HttpApp } from '../../platform/http/createHttpApp.js';
import { callerOf, permissionOf } from '../../platform/http/requestContext.js';
import type { ProjectsService } from './service.js';

const MemberParamsSchema = z.strictObject({ id: z.uuid(), userId: z.uuid() });
const noContent = { 204: z.null().describe('No content') };

export function registerProjectRoutes(app: HttpApp, service: ProjectsService): void {
  const api = typed(app);
  const tags = ['projects'];

  api.post(
    '/api/projects',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags, body: CreateProjectBodySchema, response: { 201: ProjectSchema } },
    },
    async (request, reply) => reply.code(201).send(await service.create(callerOf(request), request.body)),
  );

  api.get(
    '/api/projects',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags, response: { 200: ProjectListSchema } },
    },
    async (request) => service.list(callerOf(request)),
  );

  api.get(
    '/api/projects/:id',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: { tags, params: IdParamsSchema, response: { 200: ProjectSchema } },
    },
    async (request) => service.get(request.params.id, permissionOf(request), callerOf(request).userId),
  );

  // The IDE calls this when it opens a project: `lastOpenedAt` and the order of `GET /api/projects` follow.
  api.post(
    '/api/projects/:id/visits',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: { tags, params: IdParamsSchema, response: noContent },
    },
    async (request, reply) => {
      await service.recordVisit(request.params.id, callerOf(request).userId);
      return reply.code(204).send(null);
    },
  );

  api.patch(
    '/api/projects/:id',
    {
      config: { policy: { access: 'project', permission: 'write' } },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateProjectBodySchema,
        response: { 200: ProjectSchema },
      },
    },
    async (request) =>
      service.update(request.params.id, permissionOf(request), callerOf(request).userId, request.body),
  );

  api.delete(
    '/api/projects/:id',
    {
      config: { policy: { access: 'project', permission: 'admin' } },
      schema: { tags, params: IdParamsSchema, response: noContent },
    },
    async (request, reply) => {
      await service.delete(callerOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/api/projects/:id/members',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: { tags, params: IdParamsSchema, response: { 200: MemberListSchema } },
    },
    async (request) => service.members(request.params.id),
  );

  api.post(
    '/api/projects/:id/members',
    {
      config: { policy: { access: 'project', permission: 'admin' } },
      schema: { tags, params: IdParamsSchema, body: AddMemberBodySchema, response: { 201: MemberSchema } },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await service.addMemberByEmail(request.params.id, request.body.email, request.body.permission)),
  );

  api.put(
    '/api/projects/:id/members/:userId',
    {
      config: { policy: { access: 'project', permission: 'admin' } },
      schema: {
        tags,
        params: MemberParamsSchema,
        body: PutMemberBodySchema,
        response: { 200: MemberSchema },
      },
    },
    async (request) => service.setMember(request.params.id, request.params.userId, request.body.permission),
  );

  // Any member may call it to leave; removing someone else is checked for admin inside.
  api.delete(
    '/api/projects/:id/members/:userId',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: { tags, params: MemberParamsSchema, response: noContent },
    },
    async (request, reply) => {
      await service.removeMember(
        callerOf(request),
        permissionOf(request),
        request.params.id,
        request.params.userId,
      );
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/api/projects/:id/transfer',
    {
      config: { policy: { access: 'project', permission: 'admin' } },
      schema: {
        tags,
        params: IdParamsSchema,
        body: TransferOwnershipBodySchema,
        response: { 200: ProjectSchema },
      },
    },
    async (request) => service.transfer(callerOf(request), request.params.id, request.body.userId),
  );
}
