import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  CheckpointDiffQuerySchema,
  CheckpointDiffSchema,
  CheckpointListSchema,
  CheckpointSchema,
  CreateCheckpointBodySchema,
  IdParamsSchema,
  permissionIncludes,
  RestoreResultSchema,
} from '@vaporform/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../platform/errors/AppError.js';
import { typed, type HttpApp } from '../../platform/http/createHttpApp.js';
import type { Principal } from '../../platform/http/policy.js';
import { callerOf, permissionOf } from '../../platform/http/requestContext.js';
import type { CheckpointService } from './checkpointService.js';
import { gitHttpBackend } from './gitHttpBackend.js';

export interface CheckpointRoutesOptions {
  checkpoints: CheckpointService;
  workspaceDir: (projectId: string) => string;
}

const checkpointIdSchema = z.string().regex(/^[0-9a-f]{4,64}$/);
const authorOf = (principal: Principal) => ({ name: principal.name, email: principal.email });

export function registerCheckpointRoutes(app: HttpApp, options: CheckpointRoutesOptions): void {
  const { checkpoints, workspaceDir } = options;
  const api = typed(app);
  const tags = ['checkpoints'];

  api.get(
    '/api/projects/:id/checkpoints',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: {
        tags,
        params: IdParamsSchema,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).optional() }),
        response: { 200: CheckpointListSchema },
      },
    },
    async (request) => checkpoints.list(request.params.id, { limit: request.query.limit ?? 100 }),
  );

  api.post(
    '/api/projects/:id/checkpoints',
    {
      config: { policy: { access: 'project', permission: 'write' } },
      schema: {
        tags,
        params: IdParamsSchema,
        body: CreateCheckpointBodySchema.nullish(),
        response: { 201: CheckpointSchema },
      },
    },
    async (request, reply) => {
      const checkpoint = await checkpoints.create(request.params.id, workspaceDir(request.params.id), {
        message: request.body?.message ?? 'Checkpoint',
        author: authorOf(callerOf(request)),
      });
      return reply.code(201).send(checkpoint);
    },
  );

  api.get(
    '/api/projects/:id/checkpoints/diff',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: {
        tags,
        params: IdParamsSchema,
        querystring: CheckpointDiffQuerySchema,
        response: { 200: CheckpointDiffSchema },
        description:
          'Files changed from checkpoint `from` to checkpoint `to` (default: the latest); `to=workspace` compares with the files as they are now.',
      },
    },
    async (request) =>
      request.query.to === 'workspace'
        ? checkpoints.diffWorkspace(request.params.id, workspaceDir(request.params.id), request.query.from)
        : checkpoints.diff(request.params.id, request.query.from, request.query.to),
  );

  api.get(
    '/api/projects/:id/checkpoints/:checkpointId/files/*',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: {
        tags,
        params: z.strictObject({
          id: z.uuid(),
          checkpointId: checkpointIdSchema,
          '*': z.string().min(1).max(4096),
        }),
        description:
          "One file's raw content as it was at the checkpoint (404 if it did not exist there), with an ETag.",
      },
    },
    async (request, reply) => {
      const file = await checkpoints.readFile(
        request.params.id,
        request.params.checkpointId,
        request.params['*'],
      );
      const etag = `"${file.oid}"`;
      reply
        .header('etag', etag)
        .header('cache-control', 'private, no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox");
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      // Never a type the browser would run: the content is the project's, served on the IDE's origin.
      return reply
        .type(file.binary ? 'application/octet-stream' : 'text/plain; charset=utf-8')
        .send(file.content);
    },
  );

  api.post(
    '/api/projects/:id/checkpoints/:checkpointId/restore',
    {
      config: { policy: { access: 'project', permission: 'write' } },
      schema: {
        tags,
        params: z.strictObject({ id: z.uuid(), checkpointId: checkpointIdSchema }),
        response: { 200: RestoreResultSchema },
      },
    },
    async (request) =>
      checkpoints.restore(
        request.params.id,
        workspaceDir(request.params.id),
        request.params.checkpointId,
        authorOf(callerOf(request)),
      ),
  );

  registerGitRoutes(app, options);
}

/**
 * `git clone/fetch/push http://<host>/git/<slug>.git`, served from the project's shadow repository. A fetch
 * first checkpoints the workspace so a clone gets what the workspace holds; a push must fast-forward that
 * and is written into the workspace before the response ends, so `git push` returns once it landed.
 */
function registerGitRoutes(app: HttpApp, { checkpoints, workspaceDir }: CheckpointRoutesOptions): void {
  void app.register(async (scope) => {
    // Leave request bodies unread: git's pack streams go to git http-backend as they arrive.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const git = (
      service: 'git-upload-pack' | 'git-receive-pack' | 'info/refs',
      permission: 'read' | 'write',
    ) =>
      scope.route({
        method: service === 'info/refs' ? 'GET' : 'POST',
        url: `/git/:repo/${service}`,
        config: { policy: { access: 'project', permission, param: 'repo', by: 'slug' } },
        schema: { hide: true },
        handler: (request, reply) => serveGit(request, reply, `/${service}`),
      });
    git('info/refs', 'read');
    git('git-upload-pack', 'read');
    git('git-receive-pack', 'write');
  });

  async function serveGit(
    request: FastifyRequest,
    reply: FastifyReply,
    pathInfo: string,
  ): Promise<FastifyReply> {
    const projectId = request.projectId;
    if (!projectId) throw AppError.notFound('Project');
    const principal = callerOf(request);
    const query = new URL(request.url, 'http://git').searchParams;
    const pushing = pathInfo === '/git-receive-pack' || query.get('service') === 'git-receive-pack';
    if (pushing && !permissionIncludes(permissionOf(request), 'write')) {
      throw AppError.forbidden("Pushing needs the 'write' permission on the project");
    }
    const workspace = workspaceDir(projectId);
    const author = authorOf(principal);
    const output = new PassThrough();
    const forward = async () => {
      const response = await gitHttpBackend({
        repoDir: checkpoints.repoDir(projectId),
        pathInfo,
        method: request.method,
        queryString: query.toString(),
        contentType: request.headers['content-type'],
        contentEncoding: request.headers['content-encoding'],
        gitProtocol: request.headers['git-protocol'] as string | undefined,
        body: request.method === 'POST' ? request.raw : undefined,
        remoteUser: principal.email,
        remoteAddr: request.ip,
      });
      void reply.code(response.status).headers(response.headers).send(output);
      response.body.pipe(output, { end: false });
      await finished(response.body);
    };
    try {
      if (pushing && pathInfo !== '/info/refs') {
        await checkpoints.receivePush(projectId, workspace, author, forward);
      } else {
        if (pathInfo === '/info/refs') {
          await (pushing
            ? checkpoints.prepareForPush(projectId, workspace, author)
            : checkpoints.prepareForFetch(projectId, workspace, author));
        }
        await forward();
      }
    } catch (error) {
      // Before git answered, the error model applies; after, git's own status report has been sent.
      if (!reply.sent) throw error;
      request.log.warn({ err: error }, 'git request failed after the response started');
    } finally {
      output.end();
    }
    return reply;
  }
}
