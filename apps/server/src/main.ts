import { fileURLToPath } from 'node:url';
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './platform/config/config.js';
import { createServer } from './server.js';

/**
 * Process entry. Both `src/main.ts` (dev) and the bundled `dist/main.js` sit one level below
 * apps/server, so these paths hold for either.
 */
const serverRoot = fileURLToPath(new URL('../', import.meta.url));
const paths = {
  migrationsDir: `${serverRoot}migrations`,
  webDistDir: fileURLToPath(new URL('../../web/dist', import.meta.url)),
  templatesDir: fileURLToPath(new URL('../../../templates', import.meta.url)),
  imagesScript: fileURLToPath(new URL('../../../scripts/images.mjs', import.meta.url)),
};

const shutdownGraceMs = 10_000;

async function main(): Promise<void> {
  const started = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const server = await createServer(config, paths);
  const log = server.app.log;
  closeWithGrace({ delay: shutdownGraceMs }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an unexpected error');
    else log.info({ signal }, 'shutting down');
    await server.close();
  });
  const address = await server.app.listen({ port: config.port, host: config.host });
  log.info(
    { address, database: server.database.kind, startupMs: Math.round(performance.now() - started) },
    `Vaporform is listening on ${config.publicUrl.origin}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Vaporform failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
