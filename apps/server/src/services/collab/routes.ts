import { collabPath } from '@vaporform/contracts';
import type { HttpApp } from '../../platform/http/createHttpApp.js';
import { callerOf } from '../../platform/http/requestContext.js';
import type { CoEditingService } from './coEditingService.js';
import type { ProjectSocketService } from './projectSocketService.js';

/**
 * `GET /api/ws` upgrades to the project socket (one per browser tab). The route only authenticates; each
 * project is authorized when the client subscribes to it, and again while the subscription lasts.
 *
 * `GET /collab` upgrades to co-editing (Hocuspocus). Its policy is public because a client may instead
 * authenticate each document with an API token as the provider's `token`; the Origin check (IDE origin only)
 * still applies to the upgrade, and the session cookie counts only through it.
 */
export function registerCollabRoutes(
  app: HttpApp,
  sockets: ProjectSocketService,
  coEditing: CoEditingService,
): void {
  app.get(
    '/api/ws',
    {
      websocket: true,
      config: { policy: { access: 'authenticated' } },
      schema: {
        tags: ['realtime'],
        description:
          'WebSocket upgrade (Origin must be the IDE) for project events. Client text frames: ' +
          '{type:"subscribe"|"unsubscribe",projectId}. Server text frames: {type:"subscribed",projectId,' +
          'permission}, {type:"unsubscribed",projectId,reason:"requested"|"revoked"|"deleted"}, ' +
          '{type:"event",projectId,name,payload} and {type:"error",projectId,code,message}. Closes with 4401 ' +
          'when the session or token ends.',
      },
    },
    (socket, request) => sockets.connect(socket, callerOf(request)),
  );

  app.get(
    collabPath,
    {
      websocket: true,
      config: { policy: { access: 'public' } },
      schema: {
        tags: ['realtime'],
        description:
          'WebSocket upgrade (Origin must be the IDE) for co-editing with a Hocuspocus provider: one Yjs ' +
          'document per file named "<projectId>/<path>" (text in the Y.Text "content"), and "<projectId>" ' +
          'for presence (awareness only). Authenticates with the session cookie or an API token as the ' +
          'provider token; read members join read-only. Refusals and closes carry "<error code>: <message>".',
      },
    },
    (socket, request) =>
      coEditing.connect(socket, request.raw, {
        caller: request.principal,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      }),
  );
}
