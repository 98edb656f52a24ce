import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ContainerInfo } from '@vaporform/contracts';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { DockerRuntime, stackImageTag } from '../apps/server/src/services/containers/index.js';
import {
  describeWithDocker,
  runtimeImagesUnavailableReason,
} from '../apps/server/src/testing/dockerAvailability.js';
import { adminUrl, databaseUrl, testRunPrefix } from '../apps/server/src/testing/testPaths.js';
import { ensureServerBuilt } from './support/build.js';
import { apiClient, signUpWithToken, startBuiltServer, type BuiltServer } from './support/builtServer.js';

const unavailable = await runtimeImagesUnavailableReason([stackImageTag('python')]);

/**
 * The built server, started the way an operator configures one (credentials and settings in its environment),
 * runs a project container: the project's secret is in the container's environment, and none of the
 * server's own credentials or settings is — not by value, not by name, not in a file the container can read.
 * A real PostgreSQL database backs it when one is reachable, so DATABASE_URL is a working connection string.
 */
describeWithDocker(unavailable, 'the platform’s own credentials and the project container', () => {
  const projectSecret = `sk_live_${randomUUID()}`;
  const keyMaterial = randomBytes(32).toString('base64');
  /** Settings whose values must not reach a project, with a random part each so a hit is unambiguous. */
  const platform: Record<string, string> = {
    ANTHROPIC_API_KEY: `sk-ant-platform-${randomUUID()}`,
    OPENAI_API_KEY: `sk-platform-openai-${randomUUID()}`,
    VAPORFORM_SECRET_KEYS: `platform-key:${keyMaterial}`,
    // Read into the configuration only (no Redis or S3 client yet): still the operator's, not the project's.
    REDIS_URL: `redis://default:redis-${randomUUID()}@127.0.0.1:6399/0`,
    S3_ENDPOINT: 'http://127.0.0.1:9099',
    S3_BUCKET: `bucket-${randomUUID()}`,
    S3_ACCESS_KEY_ID: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
    S3_SECRET_ACCESS_KEY: randomBytes(30).toString('base64'),
  };
  let databaseName: string | null = null;
  let dataDir: string;
  let server: BuiltServer;
  let projectId: string;
  const raw = new DockerRuntime();

  beforeAll(async () => {
    await ensureServerBuilt();
    const template = inject('postgresTemplate');
    if (template) {
      databaseName = `${testRunPrefix}_platform_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl() });
      await admin.connect();
      try {
        await admin.query(`create database "${databaseName}" template "${template}"`);
      } finally {
        await admin.end();
      }
      const url = new URL(databaseUrl(databaseName));
      // The test server trusts loopback and ignores it; a password in the URL is what deployments have.
      if (url.password === '') url.password = `pg-${randomUUID()}`;
      platform.DATABASE_URL = url.toString();
    }
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vaporform-platform-env-'));
    server = await startBuiltServer(dataDir, { ...platform, VAPORFORM_RUNTIME: 'docker' });
    if (databaseName) expect(server.output()).toContain('"database":"postgres"');
    const api = apiClient(server, await signUpWithToken(server, 'operator@example.com'));
    const created = await api('POST', '/api/projects', { name: 'Platform env', templateId: 'python-flask' });
    projectId = (JSON.parse(created.text) as { id: string }).id;
    const put = await api('PUT', `/api/projects/${projectId}/secrets/STRIPE_KEY`, { value: projectSecret });
    expect(put.status, put.text).toBe(201);
    const started = await api('POST', `/api/projects/${projectId}/container/start?wait=true`);
    expect(JSON.parse(started.text) as ContainerInfo, server.output()).toMatchObject({ status: 'running' });
  }, 120_000);

  afterAll(async () => {
    if (projectId) {
      const container = await raw.findByProject(projectId);
      if (container) await raw.remove(container.id);
    }
    await raw.dispose();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (databaseName) {
      const admin = new pg.Client({ connectionString: adminUrl() });
      await admin.connect();
      try {
        await admin.query(`drop database if exists "${databaseName}" with (force)`);
      } finally {
        await admin.end();
      }
    }
  }, 60_000);

  it('has the project secret in its environment and none of the server’s credentials or settings', async () => {
    const container = await raw.findByProject(projectId);
    const exec = async (argv: string[]) => (await raw.exec(container!.id, argv)).stdout;
    const env = await exec(['printenv']);
    // PID 1's environment: what the container was created with, whatever a shell profile does.
    const initial = (await exec(['cat', '/proc/1/environ'])).replaceAll('\0', '\n');
    expect(env).toContain(`STRIPE_KEY=${projectSecret}\n`);
    expect(initial).toContain(`STRIPE_KEY=${projectSecret}\n`);

    // Each setting's value, a connection string's password on its own, and where the server lives.
    const serverValues = Object.values(platform).flatMap((value) => {
      const parts = [value];
      if (value.includes('://')) parts.push(new URL(value).password);
      return parts.filter((part) => part.length >= 8);
    });
    serverValues.push(keyMaterial, server.url, dataDir);
    const leaks = [...serverValues, ...Object.keys(platform).map((name) => `${name}=`)].filter(
      (needle) => env.includes(needle) || initial.includes(needle),
    );
    expect(leaks).toEqual([]);

    // Nor written anywhere the project can read (a .env, a profile, a config file).
    const found = await raw.exec(container!.id, [
      'grep',
      '-rlsF',
      ...serverValues.flatMap((part) => ['-e', part]),
      '/workspace',
      '/home',
      '/etc',
      '/tmp',
      '/run',
      '/opt',
    ]);
    expect(found.stdout).toBe('');
  });
});
