import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../apps/server/src/testing/testDatabases.js';
import { startTestServer, type TestServer } from '../apps/server/src/testing/testServer.js';

const [pglite] = testDatabaseKinds();

interface ErrorJson {
  error: { code: string; message: string; issues?: { path: string; message: string }[]; requestId?: string };
}

describe('bad input gets a 4xx with a stable code and loses nothing', () => {
  let server: TestServer;
  let cookie: string;

  beforeAll(async () => {
    server = await startTestServer(await pglite!.open(), { env: { VAPORFORM_BODY_LIMIT_BYTES: '4096' } });
    ({ cookie } = await server.signup('owner@example.com'));
  });
  afterAll(async () => server?.close());

  it('malformed JSON → 400 bad_request', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@b.c", ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorJson>().error).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/JSON/),
    });
  });

  it('an empty body labelled JSON counts as no body', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(204);
  });

  it('wrong types → 400 validation_failed naming the field', async () => {
    const response = await server.request({
      method: 'POST',
      url: '/api/auth/signup',
      body: { email: 'x@example.com', password: 12345, name: 'X' },
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json<ErrorJson>();
    expect(error.code).toBe('validation_failed');
    expect(error.issues?.map((issue) => issue.path)).toContain('body.password');
  });

  it('unknown fields → 400 validation_failed, nothing created', async () => {
    const response = await server.request({
      method: 'POST',
      url: '/api/auth/signup',
      body: { email: 'sneaky@example.com', password: 'long enough password', name: 'S', role: 'admin' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorJson>().error.code).toBe('validation_failed');
    expect(response.json<ErrorJson>().error.message).toMatch(/role/);
    const login = await server.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'sneaky@example.com', password: 'long enough password' },
    });
    expect(login.statusCode).toBe(401);
  });

  it('a too-short password and a non-email are refused with field messages', async () => {
    const response = await server.request({
      method: 'POST',
      url: '/api/auth/signup',
      body: { email: 'not-an-email', password: 'short', name: 'N' },
    });
    const { error } = response.json<ErrorJson>();
    expect(error.issues?.map((issue) => issue.path).sort()).toEqual(['body.email', 'body.password']);
  });

  it('oversize body → 413 payload_too_large', async () => {
    const response = await server.request({
      method: 'POST',
      url: '/api/auth/tokens',
      cookie,
      body: { name: 'x'.repeat(10_000) },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json<ErrorJson>().error.code).toBe('payload_too_large');
  });

  it('a body that is not JSON → 415 unsupported_media_type', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: 'email=a',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json<ErrorJson>().error.code).toBe('unsupported_media_type');
  });

  it('missing cookie → 401 unauthenticated', async () => {
    const response = await server.request({ method: 'GET', url: '/api/auth/me' });
    expect(response.statusCode).toBe(401);
    expect(response.json<ErrorJson>().error.code).toBe('unauthenticated');
  });

  it('a forged cookie and a forged token → 401 with a reason', async () => {
    const cookieResponse = await server.request({
      method: 'GET',
      url: '/api/auth/me',
      cookie: 'vf_session=forged',
    });
    expect(cookieResponse.json<ErrorJson>().error.message).toMatch(/session/);
    const tokenResponse = await server.request({ method: 'GET', url: '/api/auth/me', token: 'vf_forged' });
    expect(tokenResponse.json<ErrorJson>().error.message).toMatch(/token/);
  });

  it('an unknown API route → 404 not_found as JSON', async () => {
    const response = await server.request({ method: 'GET', url: '/api/no/such/thing' });
    expect(response.statusCode).toBe(404);
    expect(response.json<ErrorJson>().error.code).toBe('not_found');
  });

  it('a malformed id in the path → 400 validation_failed', async () => {
    const response = await server.request({ method: 'DELETE', url: '/api/auth/tokens/not-a-uuid', cookie });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorJson>().error.code).toBe('validation_failed');
  });

  it('every error carries the request id and no stack trace', async () => {
    const response = await server.request({
      method: 'GET',
      url: '/api/auth/me',
      headers: { 'x-request-id': 'trace-me-123' },
    });
    expect(response.headers['x-request-id']).toBe('trace-me-123');
    expect(response.json<ErrorJson>().error.requestId).toBe('trace-me-123');
    expect(response.body).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('a hostile request id is replaced, not echoed', async () => {
    const response = await server.request({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'evil\u0000<script>' },
    });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
