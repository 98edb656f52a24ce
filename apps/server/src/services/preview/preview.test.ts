import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { ContainerInfo } from '@vaporform/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithDocker, runtimeImagesUnavailableReason } from '../../testing/dockerAvailability.js';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { startTestServer, type TestServer } from '../../testing/testServer.js';
import { DockerRuntime, stackImageTag } from '../containers/index.js';

const unavailable = await runtimeImagesUnavailableReason([stackImageTag('python')]);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describeWithDocker(unavailable, 'the preview gateway', () => {
  let server: TestServer;
  let port: number;
  let owner: { token: string; userId: string };
  const projects: { id: string; slug: string }[] = [];

  beforeAll(async () => {
    server = await startTestServer(await testDatabaseKinds()[0]!.open(), {
      env: { VAPORFORM_AUTOSTART: 'false', VAPORFORM_IDLE_MINUTES: '0' },
      overrides: { containerRuntime: { runtime: new DockerRuntime(), kind: 'docker' } },
    });
    port = Number(new URL(await server.app.listen({ port: 0, host: '127.0.0.1' })).port);
    owner = await server.userWithToken('owner@example.com');
  }, 60_000);

  afterAll(async () => {
    for (const { id } of projects) {
      await server.request({ method: 'DELETE', url: `/api/projects/${id}`, token: owner.token });
    }
    await server.close();
  }, 60_000);

  async function project(
    visibility: 'private' | 'public',
    start = true,
  ): Promise<{ id: string; slug: string }> {
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: `Preview ${projects.length}`, templateId: 'python-flask', visibility },
    });
    expect(created.statusCode, created.body).toBe(201);
    const entry = created.json<{ id: string; slug: string }>();
    projects.push(entry);
    if (start) {
      const started = await server.request({
        method: 'POST',
        url: `/api/projects/${entry.id}/container/start?wait=true`,
        token: owner.token,
      });
      expect(started.json<ContainerInfo>().status).toBe('running');
    }
    return entry;
  }

  /** A request to `<slug>.preview.localhost:4000` (the configured preview host) on the listening server. */
  function visit(slug: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        { host: '127.0.0.1', port, path, headers: { ...headers, host: `${slug}.preview.localhost:4000` } },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  /** The whole handshake as a browser makes it: IDE grant → preview session cookie. */
  async function sessionCookie(project: { id: string; slug: string }, token = owner.token): Promise<string> {
    const grant = await server.request({
      method: 'GET',
      url: `/api/projects/${project.id}/preview-session?path=%2Fhealth`,
      token,
    });
    expect(grant.statusCode, grant.body).toBe(302);
    const location = new URL(String(grant.headers.location));
    expect(location.host).toBe(`${project.slug}.preview.localhost:4000`);
    const landed = await visit(project.slug, `${location.pathname}${location.search}`);
    expect(landed.status).toBe(302);
    expect(landed.headers.location).toBe('/health');
    const cookie = String(landed.headers['set-cookie']);
    expect(cookie).toMatch(/^vf_preview=[^;]+; Path=\/; HttpOnly;/);
    return cookie.split(';')[0]!;
  }

  it('sends a visitor without a session to the IDE, and serves the app once the handshake is done', async () => {
    const mine = await project('private');
    const anonymous = await visit(mine.slug, '/api/hello?name=x');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toBe(
      `http://localhost:4000/api/projects/${mine.id}/preview-session?path=%2Fapi%2Fhello%3Fname%3Dx`,
    );

    const cookie = await sessionCookie(mine);
    const hello = await visit(mine.slug, '/api/hello?name=preview', { cookie });
    expect(hello.status).toBe(200);
    expect(JSON.parse(hello.body)).toMatchObject({ message: 'Hello, preview!' });

    // A forged or foreign session is no session.
    const other = await project('private');
    expect((await visit(other.slug, '/health', { cookie })).status).toBe(302);
    expect((await visit(mine.slug, '/health', { cookie: `${cookie}x` })).status).toBe(302);
  });

  it('never forwards the IDE’s credentials to the app, and keeps the app’s own cookies', async () => {
    const mine = await project('private');
    const cookie = await sessionCookie(mine);
    const app = await server.request({
      method: 'GET',
      url: `/api/projects/${mine.id}/files/app.py`,
      token: owner.token,
    });
    await server.request({
      method: 'PUT',
      url: `/api/projects/${mine.id}/files/app.py`,
      token: owner.token,
      body: `${app.body}\n\n@app.get("/echo-headers")\ndef echo_headers():\n    return dict(request.headers)\n`,
      headers: { 'content-type': 'application/octet-stream' },
    });
    let echoed: Answer | undefined;
    for (let attempt = 0; attempt < 60 && echoed?.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      echoed = await visit(mine.slug, '/echo-headers', {
        cookie: `vf_session=ide-session-secret; theme=dark; ${cookie}`,
        authorization: 'Bearer ide-token-secret',
      });
    }
    expect(echoed?.status).toBe(200);
    const seen = JSON.parse(echoed!.body) as Record<string, string>;
    expect(seen.Cookie).toBe('theme=dark');
    expect(seen.Authorization).toBeUndefined();
    expect(echoed!.body).not.toMatch(/ide-session-secret|ide-token-secret|vf_preview/);
    expect(seen['X-Forwarded-Host']).toBe(`${mine.slug}.preview.localhost:4000`);
  });

  it('serves public projects to anyone, and says so when the app is stopped', async () => {
    const open = await project('public');
    expect((await visit(open.slug, '/health')).status).toBe(200);
    await server.request({
      method: 'POST',
      url: `/api/projects/${open.id}/container/stop`,
      token: owner.token,
    });
    const stopped = await visit(open.slug, '/health');
    expect(stopped.status).toBe(503);
    expect(stopped.body).toContain('This project is stopped');
    expect((await visit('no-such-project', '/')).status).toBe(404);
  });

  it('wakes a stopped project for a member who may run it, with a page that reloads itself', async () => {
    const mine = await project('private');
    const cookie = await sessionCookie(mine);
    await server.request({
      method: 'POST',
      url: `/api/projects/${mine.id}/container/stop`,
      token: owner.token,
    });
    const waking = await visit(mine.slug, '/health', { cookie });
    expect(waking.status).toBe(503);
    expect(waking.body).toContain('http-equiv="refresh"');
    let answer = waking;
    for (let attempt = 0; attempt < 60 && answer.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      answer = await visit(mine.slug, '/health', { cookie });
    }
    expect(answer.status).toBe(200);
  });

  it('refuses expired or replayed-elsewhere grants and redirects only within the preview origin', async () => {
    const mine = await project('private', false);
    const grant = await server.request({
      method: 'GET',
      url: `/api/projects/${mine.id}/preview-session?path=%2F%2Fevil.example%2F`,
      token: owner.token,
    });
    const location = new URL(String(grant.headers.location));
    const landed = await visit(mine.slug, `${location.pathname}${location.search}`);
    expect(landed.headers.location).toBe('/');
    const other = await project('private', false);
    expect((await visit(other.slug, `${location.pathname}${location.search}`)).status).toBe(403);
    const stranger = await server.userWithToken('stranger@example.com');
    const refused = await server.request({
      method: 'GET',
      url: `/api/projects/${mine.id}/preview-session`,
      token: stranger.token,
    });
    expect(refused.statusCode).toBe(404);
  });

  it('passes WebSocket upgrades (HMR) through to the app, with the session', async () => {
    const mine = await project('private');
    const cookie = await sessionCookie(mine);
    const put = (file: string, content: string) =>
      server.request({
        method: 'PUT',
        url: `/api/projects/${mine.id}/files/${file}`,
        token: owner.token,
        body: content,
        headers: { 'content-type': 'application/octet-stream' },
      });
    // An app that upgrades to a tiny echo protocol: the gateway must not care which protocol it is.
    await put(
      'server.mjs',
      `import http from 'node:http';
const app = http.createServer((q, s) => s.end('plain'));
app.on('upgrade', (request, socket) => {
  socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: echo\\r\\nConnection: Upgrade\\r\\n\\r\\n');
  socket.write('cookie=' + (request.headers.cookie ?? '') + ';auth=' + (request.headers.authorization ?? '') + '\\n');
  socket.pipe(socket);
});
app.listen(Number(process.env.PORT));
`,
    );
    await put(
      '.devcontainer/devcontainer.json',
      '{"image":"vaporform/runtime-node:latest","postCreateCommand":"true","forwardPorts":[8000],' +
        '"customizations":{"vaporform":{"dev":"node server.mjs","healthPath":"/"}}}',
    );
    let plain: Answer | undefined;
    for (let attempt = 0; attempt < 90 && plain?.body !== 'plain'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      plain = await visit(mine.slug, '/', { cookie });
    }
    expect(plain?.body).toBe('plain');

    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.write(
      `GET /hmr HTTP/1.1\r\nHost: ${mine.slug}.preview.localhost:4000\r\nConnection: Upgrade\r\nUpgrade: echo\r\n` +
        `Authorization: Bearer ide-token-secret\r\nCookie: theme=dark; ${cookie}\r\n\r\n`,
    );
    const deadline = Date.now() + 10_000;
    while (!received.includes('cookie=') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    socket.write('ping-through-the-gateway');
    while (!received.includes('ping-through-the-gateway') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 101/);
    expect(received).toContain('cookie=theme=dark;auth=\n');
    expect(received).toContain('ping-through-the-gateway');
  });

  it('adds the error reporter to page loads only, right after <head>, and serves it on the preview origin', async () => {
    const open = await project('public');
    const page = await visit(open.slug, '/', { 'sec-fetch-dest': 'iframe', 'accept-encoding': 'gzip' });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBeUndefined();
    expect(page.body).toMatch(
      /^<!doctype html>\s*<html lang="en">\s*<head><script src="\/__vaporform\/reporter\.js"><\/script>/,
    );
    expect(page.body.match(/reporter\.js/g)).toHaveLength(1);

    const fetched = await visit(open.slug, '/', { 'sec-fetch-dest': 'empty' });
    expect(fetched.body).not.toContain('reporter.js');
    const json = await visit(open.slug, '/api/hello?name=x', { 'sec-fetch-dest': 'document' });
    expect(json.body).not.toContain('reporter.js');

    const script = await visit(open.slug, '/__vaporform/reporter.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).toContain('"http://localhost:4000"');
  });
});
