import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from './createHttpApp.js';
import { registerWebAssets } from './webAssets.js';

describe('the web app’s assets', () => {
  let app: HttpApp;
  let dist: string;
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;

  beforeAll(async () => {
    dist = await mkdtemp(path.join(os.tmpdir(), 'vaporform-dist-'));
    await mkdir(path.join(dist, 'assets'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(path.join(dist, 'assets/app-1234.js'), script);
    await writeFile(path.join(dist, 'assets/app-1234.js.br'), brotliCompressSync(script));
    app = await createHttpApp({
      logger: pino({ level: 'silent' }),
      bodyLimitBytes: 1024,
      trustProxy: false,
      origin: { publicOrigin: 'http://localhost:4000', isForeignHost: () => false },
      authenticator: { authenticate: async () => ({ kind: 'anonymous' }) },
      projects: { idForSlug: async () => null, permissionOf: async () => null },
      version: 'test',
    });
    await registerWebAssets(app, dist, 'http://*.preview.localhost:4000');
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('sends the precompressed file to browsers that take brotli, the plain one to others', async () => {
    const compressed = await app.inject({
      url: '/assets/app-1234.js',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(compressed.rawPayload.length).toBeLessThan(script.length / 10);
    expect(compressed.headers['cache-control']).toContain('immutable');
    const plain = await app.inject({ url: '/assets/app-1234.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  it('answers client-side routes with index.html, locked down against framing and foreign code', async () => {
    const page = await app.inject({ url: '/projects/abc' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="root"');
    expect(page.headers['x-frame-options']).toBe('DENY');
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-src 'self' http://*.preview.localhost:4000");
  });

  it('keeps the JSON 404 for unknown API paths', async () => {
    const missing = await app.inject({ url: '/api/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
