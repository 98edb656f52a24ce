import { IdParamsSchema, PreviewReportSchema } from '@vaporform/contracts';
import { z } from 'zod';
import { typed, type HttpApp } from '../../platform/http/createHttpApp.js';
import { callerOf } from '../../platform/http/requestContext.js';
import { sessionPath, type PreviewGateway } from './previewGateway.js';
import type { PreviewReports } from './previewReports.js';
import type { PreviewTokens } from './previewTokens.js';

const grantSeconds = 60;

/**
 * The IDE side of the preview handshake (`read`): a grant for this user and project, good for a minute,
 * handed to the preview origin. `GET` redirects there (top-level navigation); `POST` answers the URL for an
 * iframe's `src`.
 */
export function registerPreviewRoutes(
  app: HttpApp,
  options: {
    gateway: PreviewGateway;
    tokens: PreviewTokens;
    reports: PreviewReports;
    slugOf: (projectId: string) => Promise<string>;
  },
): void {
  const api = typed(app);
  const tags = ['preview'];
  const Query = z.strictObject({ path: z.string().startsWith('/').max(2048).optional() });

  const sessionUrl = async (projectId: string, userId: string, role: 'admin' | 'user', path: string) => {
    const grant = options.tokens.sign({ kind: 'grant', projectId, userId, role }, grantSeconds);
    const query = new URLSearchParams({ grant, path });
    return options.gateway.urlOf(await options.slugOf(projectId), `${sessionPath}?${query.toString()}`);
  };

  api.get(
    '/api/projects/:id/preview-session',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: { tags, params: IdParamsSchema, querystring: Query },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const url = await sessionUrl(request.params.id, caller.userId, caller.role, request.query.path ?? '/');
      return reply.code(302).header('location', url).header('cache-control', 'no-store').send();
    },
  );

  api.post(
    '/api/projects/:id/preview-session',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: {
        tags,
        params: IdParamsSchema,
        querystring: Query,
        response: { 200: z.object({ url: z.string(), previewUrl: z.string() }) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const slug = await options.slugOf(request.params.id);
      return {
        url: await sessionUrl(request.params.id, caller.userId, caller.role, request.query.path ?? '/'),
        previewUrl: options.gateway.urlOf(slug),
      };
    },
  );

  // The IDE relays what the preview's injected script posted to it, so the agent can read page errors.
  api.post(
    '/api/projects/:id/preview-reports',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: {
        tags,
        params: IdParamsSchema,
        body: z.array(PreviewReportSchema).max(50),
        response: { 204: z.null().describe('No content') },
      },
    },
    async (request, reply) => {
      for (const report of request.body) options.reports.add(request.params.id, report);
      return reply.code(204).send(null);
    },
  );
}
