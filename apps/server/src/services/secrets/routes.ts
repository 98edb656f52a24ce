import {
  IdParamsSchema,
  ImportSecretsBodySchema,
  ImportSecretsResultSchema,
  ProjectSecretListSchema,
  ProjectSecretParamsSchema,
  ProjectSecretSchema,
  PutProjectSecretBodySchema,
  PutUserSecretBodySchema,
  UserSecretListSchema,
  UserSecretParamsSchema,
  UserSecretSchema,
} from '@vaporform/contracts';
import { z } from 'zod';
import { typed, type HttpApp } from '../../platform/http/createHttpApp.js';
import { callerOf } from '../../platform/http/requestContext.js';
import type { DotenvImport } from './dotenvImport.js';
import type { SecretsService } from './service.js';

const noContent = { 204: z.null().describe('No content') };

/**
 * Values are write-only: no route returns one, and the response schemas have no field that could carry
 * one (the serializer drops anything else). Listing needs `write` because secret names reveal which
 * services a project talks to; changing them needs `admin`.
 */
export function registerSecretsRoutes(
  app: HttpApp,
  service: SecretsService,
  dotenvImport: DotenvImport,
): void {
  const api = typed(app);
  const tags = ['secrets'];

  api.get(
    '/api/projects/:id/secrets',
    {
      config: { policy: { access: 'project', permission: 'write' } },
      schema: { tags, params: IdParamsSchema, response: { 200: ProjectSecretListSchema } },
    },
    async (request) => service.listProject(request.params.id),
  );

  api.put(
    '/api/projects/:id/secrets/:name',
    {
      config: { policy: { access: 'project', permission: 'admin' } },
      schema: {
        tags,
        description: 'Sets a secret (201 when new, 200 when replaced); the value is never returned.',
        params: ProjectSecretParamsSchema,
        body: PutProjectSecretBodySchema,
        response: { 200: ProjectSecretSchema, 201: ProjectSecretSchema },
      },
    },
    async (request, reply) => {
      const { id, name } = request.params;
      const { secret, created } = await service.putProject(callerOf(request), id, name, request.body);
      return reply.code(created ? 201 : 200).send(secret);
    },
  );

  api.delete(
    '/api/projects/:id/secrets/:name',
    {
      config: { policy: { access: 'project', permission: 'admin' } },
      schema: { tags, params: ProjectSecretParamsSchema, response: noContent },
    },
    async (request, reply) => {
      await service.deleteProject(callerOf(request), request.params.id, request.params.name);
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/api/projects/:id/secrets/import',
    {
      config: { policy: { access: 'project', permission: 'admin' } },
      schema: {
        tags,
        description:
          'Moves variables from a workspace dotenv file (default .env) into project secrets and removes their ' +
          'lines from the file. Without confirm: true it only previews (names found, which exist already).',
        params: IdParamsSchema,
        body: ImportSecretsBodySchema,
        response: { 200: ImportSecretsResultSchema },
      },
    },
    async (request) => dotenvImport.run(callerOf(request), request.params.id, request.body),
  );

  api.get(
    '/api/auth/secrets',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags, response: { 200: UserSecretListSchema } },
    },
    async (request) => service.listUser(callerOf(request).userId),
  );

  api.put(
    '/api/auth/secrets/:name',
    {
      config: { policy: { access: 'authenticated' } },
      schema: {
        tags,
        description:
          "Sets one of the caller's own secrets (e.g. ANTHROPIC_API_KEY); the value is never returned.",
        params: UserSecretParamsSchema,
        body: PutUserSecretBodySchema,
        response: { 200: UserSecretSchema, 201: UserSecretSchema },
      },
    },
    async (request, reply) => {
      const { secret, created } = await service.putUser(
        callerOf(request),
        request.params.name,
        request.body.value,
      );
      return reply.code(created ? 201 : 200).send(secret);
    },
  );

  api.delete(
    '/api/auth/secrets/:name',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags, params: UserSecretParamsSchema, response: noContent },
    },
    async (request, reply) => {
      await service.deleteUser(callerOf(request), request.params.name);
      return reply.code(204).send(null);
    },
  );
}
