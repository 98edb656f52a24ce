import type { HttpApp } from '../../platform/http/createHttpApp.js';
import { callerOf } from '../../platform/http/requestContext.js';
import type { ProjectSocketService } from './projectSocketService.js';

/**
 * `GET /api/ws` upgrades to the project socket (one per browser tab). The route only authenticates; each
 * project is authorized when the client subscribes to it, and again while the subscription lasts.
 */
export function registerCollabRoutes(app: HttpApp, sockets: ProjectSocketService): void {
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
}
