import { HealthSchema, ReadinessSchema, type Readiness } from '@vaporform/contracts';
import { typed, type HttpApp } from './createHttpApp.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const checkTimeoutMs = 2000;

async function run(check: ReadinessCheck): Promise<Readiness['checks'][string]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    // The name of the failure helps an operator; connection strings and stack traces stay in the log.
    return {
      ok: false,
      detail: error instanceof Error ? error.message.split('\n')[0]?.slice(0, 200) : 'failed',
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness answers without touching anything; readiness asks every configured backend. */
export function registerHealthRoutes(app: HttpApp, checks: ReadinessCheck[]): void {
  const api = typed(app);
  // Load balancers call this constantly: the answer never changes, so it is serialised once.
  const health = JSON.stringify(HealthSchema.parse({ status: 'ok' }));
  // The untyped instance, because the typed one insists on an object to serialise.
  app.get(
    '/api/health',
    {
      // Probes hit this every few seconds; two info lines per probe would drown the log.
      logLevel: 'warn',
      config: { policy: { access: 'public' } },
      schema: { tags: ['system'], response: { 200: HealthSchema } },
    },
    (_request, reply) => reply.type('application/json; charset=utf-8').send(health),
  );
  api.get(
    '/api/ready',
    {
      config: { policy: { access: 'public' } },
      schema: { tags: ['system'], response: { 200: ReadinessSchema, 503: ReadinessSchema } },
    },
    async (_request, reply) => {
      const results = await Promise.all(checks.map(async (check) => [check.name, await run(check)] as const));
      const ok = results.every(([, result]) => result.ok);
      return reply
        .code(ok ? 200 : 503)
        .send({ status: ok ? 'ready' : 'not_ready', checks: Object.fromEntries(results) });
    },
  );
}
