import react from '@vitejs/plugin-react';
import { defineConfig, type Connect, type Plugin } from 'vite';

const port = Number(process.env.PORT) || 5173;

/**
 * Behind a reverse proxy the browser reaches the dev server on the proxy's port, not on `port`. The HMR
 * client already uses the page's host and protocol; set VITE_HMR_CLIENT_PORT when the proxy's public port
 * is not the one the page was loaded from (e.g. 443 for an HTTPS proxy in front of a plain-HTTP hop).
 */
const hmrClientPort = Number(process.env.VITE_HMR_CLIENT_PORT) || undefined;

/** Answers `GET /health` with `{"status":"ok"}` in both `vite` (dev) and `vite preview`. */
function health(path = '/health'): Plugin {
  const body = JSON.stringify({ status: 'ok' });
  const handle: Connect.NextHandleFunction = (req, res, next) => {
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname !== path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      next();
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-store');
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  return {
    name: 'health',
    configureServer(server) {
      server.middlewares.use(handle);
    },
    configurePreviewServer(server) {
      server.middlewares.use(handle);
    },
  };
}

export default defineConfig({
  plugins: [react(), health()],
  server: {
    host: '0.0.0.0',
    port,
    strictPort: true,
    // The app is reached through preview hosts this config cannot know in advance.
    allowedHosts: true,
    hmr: hmrClientPort ? { clientPort: hmrClientPort } : undefined,
  },
  preview: {
    host: '0.0.0.0',
    port,
    strictPort: true,
    allowedHosts: true,
  },
});
