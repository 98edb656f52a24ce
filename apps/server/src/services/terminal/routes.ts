import {
  errorTable,
  IdParamsSchema,
  TerminalListSchema,
  TerminalParamsSchema,
  TerminalQuerySchema,
} from '@vaporform/contracts';
import { AppError } from '../../platform/errors/AppError.js';
import { typed, type HttpApp } from '../../platform/http/createHttpApp.js';
import { callerOf } from '../../platform/http/requestContext.js';
import type { TerminalService } from './terminalService.js';

const executePolicy = { access: 'project', permission: 'execute' } as const;

/**
 * `GET /api/projects/:id/terminals/:terminalId` upgrades to the terminal's WebSocket; `GET …/terminals`
 * lists the caller's terminals, `DELETE …/terminals/:terminalId` ends one. All need `execute`.
 */
export function registerTerminalRoutes(app: HttpApp, terminals: TerminalService): void {
  const api = typed(app);
  const tags = ['terminals'];

  api.get(
    '/api/projects/:id/terminals',
    {
      config: { policy: executePolicy },
      schema: { tags, params: IdParamsSchema, response: { 200: TerminalListSchema } },
    },
    async (request) => terminals.list(request.params.id, callerOf(request).userId),
  );

  api.delete(
    '/api/projects/:id/terminals/:terminalId',
    { config: { policy: executePolicy }, schema: { tags, params: TerminalParamsSchema } },
    async (request, reply) => {
      const closed = await terminals.close(
        request.params.id,
        callerOf(request).userId,
        request.params.terminalId,
      );
      if (!closed) throw new AppError('not_found', 'No such terminal');
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/projects/:id/terminals/:terminalId',
    {
      websocket: true,
      config: { policy: executePolicy },
      schema: {
        tags,
        description:
          'WebSocket upgrade (Origin must be the IDE): binary frames carry keystrokes and output; text frames ' +
          'carry {type:"resize",cols,rows} from the client and {type:"ready"|"exit"} from the server.',
        params: TerminalParamsSchema,
        querystring: TerminalQuerySchema,
      },
    },
    (socket, request) => {
      const params = TerminalParamsSchema.safeParse(request.params);
      const query = TerminalQuerySchema.safeParse(request.query);
      if (!params.success || !query.success) {
        socket.close(errorTable.validation_failed.wsClose, 'Invalid terminal id, cols or rows');
        return;
      }
      // Keystrokes that arrive while the shell starts are kept, not dropped.
      socket.pause();
      terminals
        .connect(socket, {
          projectId: params.data.id,
          principal: callerOf(request),
          terminalId: params.data.terminalId,
          cols: query.data.cols ?? 80,
          rows: query.data.rows ?? 24,
        })
        .then(
          () => socket.resume(),
          (error: unknown) => {
            const appError = error instanceof AppError ? error : null;
            if (!appError) request.log.error({ err: error }, 'terminal failed to open');
            const code = appError ? errorTable[appError.code].wsClose : errorTable.internal.wsClose;
            // Close reasons are at most 123 bytes.
            socket.close(code, (appError?.message ?? 'The terminal could not be opened').slice(0, 120));
          },
        );
    },
  );
}
