import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));

/** The server PostgreSQL tests create their databases on; the machines run it on loopback. */
export function adminUrl(): string {
  return process.env.VAPORFORM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Every database a test run creates starts with this, so teardown can drop them all, and two runs on one
 * server never touch each other's. Worker processes inherit it through the environment.
 */
process.env.VAPORFORM_TEST_RUN ??= `vf_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
export const testRunPrefix = process.env.VAPORFORM_TEST_RUN;
