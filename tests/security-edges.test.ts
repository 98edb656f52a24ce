import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../apps/server/src/testing/testDatabases.js';
import { startTestServer, testPassword, type TestServer } from '../apps/server/src/testing/testServer.js';

const [pglite] = testDatabaseKinds();

describe('cross-site request refusal', () => {
  let server: TestServer;
  let cookie: string;

  beforeAll(async () => {
    server = await startTestServer(await pglite!.open(), {
      env: { VAPORFORM_PUBLIC_URL: 'http://localhost:4000' },
    });
    ({ cookie } = await server.signup('owner@example.com'));
  });
  afterAll(async () => server?.close());

  const mint = (headers: Record<string, string>) =>
    server.request({ method: 'POST', url: '/api/auth/tokens', cookie, body: { name: 'csrf' }, headers });

  it('accepts a write from the IDE origin', async () => {
    const response = await mint({ origin: 'http://localhost:4000', 'sec-fetch-site': 'same-origin' });
    expect(response.statusCode).toBe(201);
  });

  it('accepts a write from a non-browser client (no Origin, no Sec-Fetch-Site)', async () => {
    expect((await mint({})).statusCode).toBe(201);
  });

  it('refuses a write from a foreign origin', async () => {
    const response = await mint({ origin: 'https://evil.example' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({
      error: { code: 'forbidden', message: expect.stringMatching(/Cross-site/) },
    });
  });

  it('refuses a write from a preview origin, which is same-site with the IDE', async () => {
    const response = await mint({
      origin: 'http://app.preview.localhost:4000',
      'sec-fetch-site': 'same-site',
    });
    expect(response.statusCode).toBe(403);
  });

  it('refuses a cross-site login (login CSRF)', async () => {
    const response = await server.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'owner@example.com', password: testPassword },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(response.statusCode).toBe(403);
  });

  it('does not restrict reads', async () => {
    const response = await server.request({
      method: 'GET',
      url: '/api/auth/me',
      cookie,
      headers: { origin: 'https://evil.example' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('login rate limiting', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(await pglite!.open(), {
      overrides: { loginLimits: { perAccountAndIp: 3, perIp: 6, windowSeconds: 60 } },
    });
    await server.signup('victim@example.com');
  });
  afterAll(async () => server?.close());

  const login = (password: string, ip: string, email = 'victim@example.com') =>
    server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: ip,
      payload: { email, password },
    });

  it('blocks an address after repeated failures on one account, but not the owner elsewhere', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await login('wrong password', '203.0.113.9')).statusCode).toBe(401);
    }
    const blocked = await login(testPassword, '203.0.113.9');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ error: { code: 'rate_limited' } });
    // The attacker's failures do not lock the owner out from their own address.
    expect((await login(testPassword, '198.51.100.7')).statusCode).toBe(200);
  });

  it('limits one address across many accounts (credential stuffing)', async () => {
    const ip = '203.0.113.50';
    for (let attempt = 0; attempt < 6; attempt++) {
      await login('guess', ip, `someone${attempt}@example.com`);
    }
    expect((await login('guess', ip, 'another@example.com')).statusCode).toBe(429);
  });

  it('counts parallel guesses before any of them finishes hashing', async () => {
    await server.signup('parallel@example.com');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => login('wrong password', '203.0.113.77', 'parallel@example.com')),
    );
    expect(results.filter((response) => response.statusCode === 401).length).toBeLessThanOrEqual(3);
    expect(results.filter((response) => response.statusCode === 429).length).toBeGreaterThanOrEqual(17);
  });

  it('clears the counter after a success', async () => {
    await server.signup('forgetful@example.com');
    const ip = '198.51.100.20';
    await login('wrong password', ip, 'forgetful@example.com');
    await login('wrong password', ip, 'forgetful@example.com');
    expect((await login(testPassword, ip, 'forgetful@example.com')).statusCode).toBe(200);
    await login('wrong password', ip, 'forgetful@example.com');
    await login('wrong password', ip, 'forgetful@example.com');
    expect((await login(testPassword, ip, 'forgetful@example.com')).statusCode).toBe(200);
  });
});

describe('sign-up modes and admin routes', () => {
  let server: TestServer;
  let admin: string;
  let user: string;

  beforeAll(async () => {
    server = await startTestServer(await pglite!.open());
    admin = (await server.signup('admin@example.com')).cookie;
    user = (await server.signup('user@example.com')).cookie;
  });
  afterAll(async () => server?.close());

  it('keeps admin routes from ordinary users', async () => {
    const response = await server.request({ method: 'GET', url: '/api/admin/settings', cookie: user });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('closes sign-up, then admits only invited emails in invite mode', async () => {
    const closed = await server.request({
      method: 'PUT',
      url: '/api/admin/settings',
      cookie: admin,
      body: { signupMode: 'closed' },
    });
    expect(closed.json()).toEqual({ signupMode: 'closed' });
    const refused = await server.request({
      method: 'POST',
      url: '/api/auth/signup',
      body: { email: 'late@example.com', password: testPassword, name: 'Late' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { message: expect.stringMatching(/closed/) } });

    await server.request({
      method: 'PUT',
      url: '/api/admin/settings',
      cookie: admin,
      body: { signupMode: 'invite' },
    });
    const invite = await server.request({
      method: 'POST',
      url: '/api/admin/invites',
      cookie: admin,
      body: { email: 'Invited@Example.com' },
    });
    expect(invite.statusCode).toBe(201);
    const { token } = invite.json<{ token: string }>();

    const wrongEmail = await server.request({
      method: 'POST',
      url: '/api/auth/signup',
      body: { email: 'other@example.com', password: testPassword, name: 'O', inviteToken: token },
    });
    expect(wrongEmail.statusCode).toBe(403);
    const accepted = await server.request({
      method: 'POST',
      url: '/api/auth/signup',
      body: { email: 'invited@example.com', password: testPassword, name: 'I', inviteToken: token },
    });
    expect(accepted.statusCode).toBe(201);
    const reused = await server.request({
      method: 'POST',
      url: '/api/auth/signup',
      body: { email: 'invited@example.com', password: testPassword, name: 'I', inviteToken: token },
    });
    expect(reused.statusCode).toBe(403);
  });

  it('refuses a duplicate email with conflict', async () => {
    await server.request({
      method: 'PUT',
      url: '/api/admin/settings',
      cookie: admin,
      body: { signupMode: 'open' },
    });
    const response = await server.request({
      method: 'POST',
      url: '/api/auth/signup',
      body: { email: 'USER@example.com', password: testPassword, name: 'Dup' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: { code: 'conflict' } });
  });
});
