import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './platform/config/config.js';
import { rotateSecretsCommand } from './services/secrets/index.js';

/**
 * `npm run secrets:rotate`, bundled beside main.js: re-wraps every secret under the newest key. It reads
 * the same configuration as the server. With the embedded database, stop the server first (PGlite's data
 * directory has one writer); with PostgreSQL it can run while servers do.
 */
const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

async function run(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 78; // EX_CONFIG
    }
    throw error;
  }
  return rotateSecretsCommand({ config, migrationsDir, print: (line) => process.stdout.write(`${line}\n`) });
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Key problems (a missing key, a key file others can read) are plain messages; their stack adds nothing.
    process.stderr.write(`Rotation failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
