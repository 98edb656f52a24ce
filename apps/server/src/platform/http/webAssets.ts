import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import staticFiles from '@fastify/static';
import { AppError } from '../errors/AppError.js';
import { sendError } from './errorHandler.js';
import type { HttpApp } from './createHttpApp.js';

/**
 * The IDE's pages load only their own code, connect only to their own origin (HTTP and WebSocket), frame
 * only previews, and cannot be framed themselves (clickjacking). Monaco needs inline styles.
 */
export function ideSecurityHeaders(previewOrigins: string): Record<string, string> {
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    `frame-src 'self' ${previewOrigins}`,
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
  return {
    'content-security-policy': policy,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  };
}

/**
 * Serves the built web app at `/` and answers unknown non-API GETs with its index.html, so client-side
 * routes survive a reload. API paths always get the JSON 404 instead.
 * `previewOrigins` is the CSP source of every preview, e.g. `http://*.preview.localhost:4000`.
 */
export async function registerWebAssets(
  app: HttpApp,
  distDir: string,
  previewOrigins: string,
): Promise<void> {
  const securityHeaders = ideSecurityHeaders(previewOrigins);
  const indexPath = path.join(distDir, 'index.html');
  const indexHtml = existsSync(indexPath) ? readFileSync(indexPath) : undefined;

  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    const wantsPage =
      (request.method === 'GET' || request.method === 'HEAD') && !pathname.startsWith('/api/');
    if (wantsPage && indexHtml) {
      return reply
        .code(200)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .headers(securityHeaders)
        .send(indexHtml);
    }
    return sendError(request, reply, new AppError('not_found', `No route for ${request.method} ${pathname}`));
  });

  if (!indexHtml) return;
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, policy: { access: 'public' } };
      route.schema = { ...route.schema, hide: true };
    });
    await scope.register(staticFiles, {
      root: distDir,
      wildcard: true,
      index: ['index.html'],
      // scripts/build.mjs writes .br and .gz beside each asset.
      preCompressed: true,
      // Hashed asset names change with content, so those may be cached for good; index.html may not.
      setHeaders: (response, filePath) => {
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        response.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        for (const [name, value] of Object.entries(securityHeaders)) response.header(name, value);
      },
    });
  });
}
