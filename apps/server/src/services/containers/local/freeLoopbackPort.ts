import { createServer } from 'node:net';
import { AppError } from '../../../platform/errors/AppError.js';

/**
 * A port nothing listens on right now, for the app to take. Another program may take it before the app
 * does: the price of letting the app bind it itself.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error) =>
      reject(new AppError('unavailable', 'No free port for the app', { cause: error })),
    );
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() =>
        port > 0 ? resolve(port) : reject(new AppError('unavailable', 'No free port for the app')),
      );
    });
  });
}
