import { Readable } from 'node:stream';
import {
  ContainerInfoSchema,
  ContainerLogListSchema,
  ContainerLogsQuerySchema,
  ContainerStartQuerySchema,
  ContainerStatsSchema,
  IdParamsSchema,
  ResourceAdjustmentBodySchema,
  ResourcePlanListSchema,
  ResourceStackSchema,
} from '@vaporform/contracts';
import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import { typed, type HttpApp } from '../../platform/http/createHttpApp.js';
import { callerOf } from '../../platform/http/requestContext.js';
import { resourcesFor } from './resourcePlan.js';
import type { ResourcePlans } from './resourcePlans.js';
import type { ContainersService } from './service.js';

const yes = (flag: string | undefined) => flag === 'true' || flag === '1';

/**
 * `GET /api/projects/:id/container` and `…/container/stats` (read), `POST …/container/{start,stop,restart}` (execute) and the
 * container log at `GET …/logs` and `GET …/container/logs` (read): a JSON array, or with `follow=true`
 * NDJSON lines as they are logged.
 */
export function registerContainerRoutes(
  app: HttpApp,
  containers: ContainersService,
  plans: ResourcePlans,
): void {
  const api = typed(app);
  const tags = ['containers'];

  api.get(
    '/api/projects/:id/container',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: { tags, params: IdParamsSchema, response: { 200: ContainerInfoSchema } },
    },
    async (request) => containers.info(request.params.id),
  );

  // The Infrastructure panel polls this; a project that is not running answers 409.
  api.get(
    '/api/projects/:id/container/stats',
    {
      config: { policy: { access: 'project', permission: 'read' } },
      schema: { tags, params: IdParamsSchema, response: { 200: ContainerStatsSchema } },
    },
    async (request) => containers.stats(request.params.id),
  );

  for (const action of ['start', 'restart'] as const) {
    api.post(
      `/api/projects/:id/container/${action}`,
      {
        config: { policy: { access: 'project', permission: 'execute' } },
        schema: {
          tags,
          params: IdParamsSchema,
          querystring: ContainerStartQuerySchema,
          response: { 200: ContainerInfoSchema, 202: ContainerInfoSchema },
        },
      },
      async (request, reply) => {
        const wait = yes(request.query.wait);
        const waitMs = wait ? (request.query.timeoutSeconds ?? 120) * 1000 : 0;
        const info = await containers[action](request.params.id, callerOf(request).userId, waitMs);
        return reply.code(wait ? 200 : 202).send(info);
      },
    );
  }

  api.post(
    '/api/projects/:id/container/stop',
    {
      config: { policy: { access: 'project', permission: 'execute' } },
      schema: { tags, params: IdParamsSchema, response: { 200: ContainerInfoSchema } },
    },
    async (request) => containers.stop(request.params.id),
  );

  for (const url of ['/api/projects/:id/logs', '/api/projects/:id/container/logs']) {
    api.get(
      url,
      {
        config: { policy: { access: 'project', permission: 'read' } },
        schema: {
          tags,
          params: IdParamsSchema,
          querystring: ContainerLogsQuerySchema,
          response: { 200: ContainerLogListSchema },
        },
      },
      async (request, reply) => {
        const follow = yes(request.query.follow);
        const logs = await containers.logs(request.params.id, {
          tail: request.query.tail ?? 200,
          follow,
          ...(request.query.since === undefined ? {} : { since: new Date(request.query.since) }),
        });
        // The typed reply only knows the JSON array; a followed log is a stream of NDJSON lines instead.
        const stream = reply as FastifyReply;
        if (Array.isArray(logs)) return follow ? stream.type('application/x-ndjson').send('') : logs;
        if (!follow) {
          const lines = [];
          for await (const line of logs) lines.push(line);
          return lines;
        }
        request.raw.once('close', () => logs.dispose());
        // Headers go out at once, not with the first line: a quiet log must not leave the client waiting.
        reply.raw.once('pipe', () => reply.raw.flushHeaders());
        const body = Readable.from(
          (async function* () {
            for await (const line of logs) yield `${JSON.stringify(line)}\n`;
          })(),
        );
        return stream.type('application/x-ndjson').header('cache-control', 'no-store').send(body);
      },
    );
  }

  // Admins size new containers per stack; running ones keep their size until they are recreated.
  const effectivePlans = async () => {
    const overrides = await plans.adjustments();
    const stacks = ResourceStackSchema.options;
    return Object.fromEntries(
      stacks.map((stack) => {
        const { memoryBytes, cpus, pidsLimit } = resourcesFor(stack, { overrides });
        return [stack, { memoryBytes, cpus, pidsLimit }];
      }),
    ) as z.infer<typeof ResourcePlanListSchema>;
  };
  api.get(
    '/api/admin/resources',
    {
      config: { policy: { access: 'admin' } },
      schema: { tags, response: { 200: ResourcePlanListSchema } },
    },
    effectivePlans,
  );
  api.put(
    '/api/admin/resources/:stack',
    {
      config: { policy: { access: 'admin' } },
      schema: {
        tags,
        params: z.strictObject({ stack: ResourceStackSchema }),
        body: ResourceAdjustmentBodySchema,
        response: { 200: ResourcePlanListSchema },
      },
    },
    async (request) => {
      const { memoryBytes, cpus, pidsLimit } = request.body;
      await plans.adjust(request.params.stack, {
        ...(memoryBytes == null ? {} : { memoryBytes }),
        ...(cpus == null ? {} : { cpus }),
        ...(pidsLimit == null ? {} : { pidsLimit }),
      });
      return effectivePlans();
    },
  );
}
