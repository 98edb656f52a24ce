import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: {
      '@vaporform/contracts': fileURLToPath(
        new URL('../../packages/contracts/src/index.ts', import.meta.url),
      ),
    },
  },
  server: {
    // The dev server forwards the API to a server started with `npm run dev`.
    proxy: { '/api': { target: `http://127.0.0.1:${process.env.PORT ?? '4000'}`, ws: true } },
  },
  // Monaco's language workers are ES modules.
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Monaco alone is ~3 MB; it is loaded lazily with the editor, so the warning says nothing useful.
    chunkSizeWarningLimit: 4096,
  },
});
