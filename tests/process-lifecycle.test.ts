import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../apps/server/src/testing/testPaths.js';

const mainJs = path.join(repoRoot, 'apps/server/dist/main.js');

interface Running {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
}

function startServer(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [mainJs], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"address":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1], output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the server process', () => {
  let dataDir: string;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs'), '--if-stale'], {
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vaporform-process-'));
  }, 120_000);
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('serves, shuts down on SIGTERM with exit 0 well within 10 s, and keeps its data', async () => {
    const first = await startServer({ VAPORFORM_DATA_DIR: dataDir });
    const health = await fetch(`${first.baseUrl}/api/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const signup = await fetch(`${first.baseUrl}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'keeper@example.com',
        password: 'a long enough password',
        name: 'Keeper',
      }),
    });
    expect(signup.status).toBe(201);
    // A client holding a keep-alive connection must not keep the server up.
    await fetch(`${first.baseUrl}/api/health`, { keepalive: true });

    const exited = exitOf(first.child);
    const stopAt = Date.now();
    first.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
    expect(first.output()).toMatch(/shutting down/);

    const second = await startServer({ VAPORFORM_DATA_DIR: dataDir });
    try {
      const login = await fetch(`${second.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'keeper@example.com', password: 'a long enough password' }),
      });
      expect(login.status).toBe(200);
      expect(second.output()).not.toMatch(/database migrated/);
    } finally {
      const stopped = exitOf(second.child);
      second.child.kill('SIGINT');
      expect(await stopped).toBe(0);
    }
  }, 60_000);

  it('refuses to start on a bad setting and names the variable', () => {
    const result = spawnSync(process.execPath, [mainJs], {
      env: { ...process.env, PORT: 'eighty', VAPORFORM_RUNTIME: 'mainframe', ANTHROPIC_API_KEY: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/PORT/);
    expect(result.stderr).toMatch(/VAPORFORM_RUNTIME/);
    expect(result.stderr).toMatch(/"mainframe"/);
  });
});
