import { fileURLToPath } from 'node:url';
import express, { type ErrorRequestHandler } from 'express';

/** `public/` sits next to `src/` and `dist/`, so this resolves the same in dev and in production. */
const publicDir = fileURLToPath(new URL('../public', import.meta.url));

export function createApp(): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));

  // Liveness probe: cheap, no I/O, always 200 while the process serves requests.
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/api/hello', (req, res) => {
    const name = typeof req.query.name === 'string' && req.query.name !== '' ? req.query.name : 'world';
    res.json({ message: `Hello, ${name}!`, time: new Date().toISOString() });
  });

  // Unknown /api routes answer JSON rather than the HTML 404 page.
  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'Not found' });
  });

  // GET / serves public/index.html; anything else in public/ is served as is.
  app.use(express.static(publicDir));

  const onError: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    // Client errors (e.g. malformed JSON from express.json()) carry a 4xx `status`; anything else is a bug.
    const status =
      typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number'
        ? err.status
        : 500;
    if (status >= 500) console.error(err);
    res.status(status).json({ error: status >= 500 ? 'Internal server error' : 'Bad request' });
  };
  app.use(onError);

  return app;
}
