import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      {
        find: '@vaporform/contracts',
        replacement: fileURLToPath(new URL('./packages/contracts/src/index.ts', import.meta.url)),
      },
      // As in apps/web/vite.config.ts: y-monaco's Monaco import is a path monaco-editor's `exports` no longer maps.
      {
        find: /^monaco-editor\/esm\/vs\/editor\/editor\.api(\.js)?$/,
        replacement: 'monaco-editor/editor/editor.api.js',
      },
    ],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/server/src/**/*.test.ts',
      'apps/web/src/**/*.test.{ts,tsx}',
      'tests/**/*.test.ts',
    ],
    globalSetup: ['./apps/server/src/testing/globalSetup.ts'],
    // Through Vite rather than Node, so the alias above reaches y-monaco's own import.
    server: { deps: { inline: ['y-monaco'] } },
    // Each PGlite instance is a WebAssembly Postgres of its own; two workers fit the 2-core machines.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
