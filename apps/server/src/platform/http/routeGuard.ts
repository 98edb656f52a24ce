import type { FastifyInstance, RouteOptions } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
  websocket: boolean;
  hasPolicy: boolean;
}

type RouteRecord = RouteOptions & { websocket?: boolean };

const registries = new WeakMap<FastifyInstance, RouteRecord[]>();

/**
 * Records every route as it is added (including HEAD twins and WebSocket endpoints) and fails `ready()`
 * when any lacks a policy, so an unguarded route can never be served.
 */
export function installRouteGuard(app: FastifyInstance): void {
  const routes: RouteRecord[] = [];
  registries.set(app, routes);
  // The options object is kept, not a snapshot: hooks of inner scopes run after this one and may still
  // set the policy (webAssets.ts does for the static file routes).
  app.addHook('onRoute', (route: RouteRecord) => void routes.push(route));
  app.addHook('onReady', async () => {
    const unguarded = findUnguardedRoutes(app);
    if (unguarded.length > 0) {
      const names = unguarded.map((route) => `${route.method} ${route.url}`).join(', ');
      throw new Error(`Routes without a declared policy: ${names}. Add config.policy to each.`);
    }
  });
}

export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  return (registries.get(app) ?? []).flatMap((route) =>
    (Array.isArray(route.method) ? route.method : [route.method]).map((method) => ({
      method,
      url: route.url,
      websocket: route.websocket === true,
      hasPolicy: route.config?.policy !== undefined,
    })),
  );
}

export function findUnguardedRoutes(app: FastifyInstance): RegisteredRoute[] {
  return registeredRoutes(app).filter((route) => !route.hasPolicy);
}
