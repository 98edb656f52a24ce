import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      {
        find: '@vaporform/contracts',
        replacement: fileURLToPath(new URL('../../packages/contracts/src/index.ts', import.meta.url)),
      },
      // y-monaco imports Monaco by a path that monaco-editor 0.57's `exports` no longer maps (it would
      // resolve to esm/vs/esm/vs/…). Point it at the very file `monaco-editor` itself re-exports, so the
      // bindings and the editor share one Monaco instance (one Range, one model registry).
      {
        find: /^monaco-editor\/esm\/vs\/editor\/editor\.api(\.js)?$/,
        replacement: 'monaco-editor/editor/editor.api.js',
      },
    ],
  },
  server: {
    // The dev server forwards the API and the co-editing socket to a server started with `npm run dev`.
    proxy: {
      '/api': { target: `http://127.0.0.1:${process.env.PORT ?? '4000'}`, ws: true },
      '/collab': { target: `http://127.0.0.1:${process.env.PORT ?? '4000'}`, ws: true },
    },
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
