import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
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
  build: { outDir: 'dist', emptyOutDir: true },
});
