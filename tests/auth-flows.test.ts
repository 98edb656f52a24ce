import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../apps/server/src/testing/testDatabases.js';
import {
  sessionCookieFrom,
  startTestServer,
  testPassword,
  type TestServer,
} from '../apps/server/src/testing/testServer.js';

describe.each(testDatabaseKinds())('auth flows on $kind', ({ skipReason, open }) => {
  let server: TestServer;

  beforeAll(async () => {
    if (skipReason) return;
    server = await startTestServer(await open());
  });
  afterAll(async () => server?.close());

  it.skipIf(skipReason)(
    'signs up, logs in, reads me, mints a token and uses it like curl would',
    async () => {
      const signup = await server.request({
        method: 'POST',
        url: '/api/auth/signup',
        body: { email: '  Owner@Example.COM ', password: testPassword, name: 'Owner' },
      });
      expect(signup.statusCode).toBe(201);
      const owner = signup.json<{ user: { email: string; role: string } }>().user;
      expect(owner).toMatchObject({ email: 'owner@example.com', role: 'admin' });
      const setCookie = String(signup.headers['set-cookie']);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Lax/);

      const login = await server.request({
        method: 'POST',
        url: '/api/auth/login',
        body: { email: 'owner@example.com', password: testPassword },
      });
      expect(login.statusCode).toBe(200);
      const cookie = sessionCookieFrom(login);

      const me = await server.request({ method: 'GET', url: '/api/auth/me', cookie });
      expect(me.json()).toMatchObject({ user: { email: 'owner@example.com', name: 'Owner' } });

      const created = await server.request({
        method: 'POST',
        url: '/api/auth/tokens',
        cookie,
        body: { name: 'cli' },
      });
      expect(created.statusCode).toBe(201);
      const { token, apiToken } = created.json<{ token: string; apiToken: { id: string; prefix: string } }>();
      expect(token.startsWith(apiToken.prefix)).toBe(true);

      const viaToken = await server.request({ method: 'GET', url: '/api/auth/me', token });
      expect(viaToken.statusCode).toBe(200);
      expect(viaToken.json()).toMatchObject({ user: { email: 'owner@example.com' } });

      const listed = await server.request({ method: 'GET', url: '/api/auth/tokens', token });
      expect(listed.json<{ id: string }[]>().map((entry) => entry.id)).toContain(apiToken.id);
      expect(listed.body).not.toContain(token);
    },
  );

  it.skipIf(skipReason)('makes only the first user an admin', async () => {
    const second = await server.signup('second@example.com');
    expect(second.role).toBe('user');
  });

  it.skipIf(skipReason)('answers a wrong password and an unknown email identically', async () => {
    await server.signup('known@example.com');
    const wrongPassword = await server.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'known@example.com', password: 'not the password' },
    });
    const unknownEmail = await server.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'nobody@example.com', password: 'not the password' },
    });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(wrongPassword.json<{ error: { message: string } }>().error.message).toBe(
      unknownEmail.json<{ error: { message: string } }>().error.message,
    );
  });

  it.skipIf(skipReason)('revokes a token so it stops working at once', async () => {
    const { token, cookie } = await server.userWithToken('revoker@example.com');
    expect((await server.request({ method: 'GET', url: '/api/auth/me', token })).statusCode).toBe(200);
    const list = await server.request({ method: 'GET', url: '/api/auth/tokens', cookie });
    const id = list.json<{ id: string }[]>()[0]?.id;
    const revoked = await server.request({ method: 'DELETE', url: `/api/auth/tokens/${id}`, cookie });
    expect(revoked.statusCode).toBe(204);
    const after = await server.request({ method: 'GET', url: '/api/auth/me', token });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({
      error: { code: 'unauthenticated', message: expect.stringMatching(/revoked/) },
    });
  });

  it.skipIf(skipReason)('logs out: the cookie stops working and is cleared', async () => {
    const { cookie } = await server.signup('leaver@example.com');
    const logout = await server.request({ method: 'POST', url: '/api/auth/logout', cookie });
    expect(logout.statusCode).toBe(204);
    expect(String(logout.headers['set-cookie'])).toMatch(/vf_session=;/);
    const me = await server.request({ method: 'GET', url: '/api/auth/me', cookie });
    expect(me.statusCode).toBe(401);
    expect(me.json()).toMatchObject({
      error: { code: 'unauthenticated', message: expect.stringMatching(/session/) },
    });
  });

  it.skipIf(skipReason)('tells the IDE who is signed in, and that nobody is, without a 401', async () => {
    const { cookie, userId } = await server.signup('session-state@example.com');
    const signedIn = await server.request({ method: 'GET', url: '/api/auth/session', cookie });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toMatchObject({ user: { id: userId, email: 'session-state@example.com' } });
    await server.request({ method: 'POST', url: '/api/auth/logout', cookie });
    const visitors: Record<string, string>[] = [{ cookie }, {}, { authorization: 'Bearer not-a-token' }];
    for (const headers of visitors) {
      const nobody = await server.request({ method: 'GET', url: '/api/auth/session', headers });
      expect(nobody.statusCode).toBe(200);
      expect(nobody.json()).toEqual({ user: null });
    }
  });

  it.skipIf(skipReason)('lists sessions and revokes another one', async () => {
    const { cookie: first } = await server.signup('multi@example.com');
    const second = sessionCookieFrom(
      await server.request({
        method: 'POST',
        url: '/api/auth/login',
        body: { email: 'multi@example.com', password: testPassword },
        headers: { 'user-agent': 'second-device' },
      }),
    );
    const listed = await server.request({ method: 'GET', url: '/api/auth/sessions', cookie: first });
    const sessions = listed.json<{ id: string; current: boolean; userAgent: string | null }[]>();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((session) => session.current)).toHaveLength(1);
    const other = sessions.find((session) => !session.current);
    expect(other?.userAgent).toBe('second-device');
    const revoked = await server.request({
      method: 'DELETE',
      url: `/api/auth/sessions/${other?.id}`,
      cookie: first,
    });
    expect(revoked.statusCode).toBe(204);
    expect((await server.request({ method: 'GET', url: '/api/auth/me', cookie: second })).statusCode).toBe(
      401,
    );
    expect((await server.request({ method: 'GET', url: '/api/auth/me', cookie: first })).statusCode).toBe(
      200,
    );
  });

  it.skipIf(skipReason)('changing the password ends the other sessions and keeps this one', async () => {
    const { cookie: here } = await server.signup('changer@example.com');
    const elsewhere = sessionCookieFrom(
      await server.request({
        method: 'POST',
        url: '/api/auth/login',
        body: { email: 'changer@example.com', password: testPassword },
      }),
    );
    const wrong = await server.request({
      method: 'POST',
      url: '/api/auth/password',
      cookie: here,
      body: { currentPassword: 'wrong password', newPassword: 'a brand new passphrase' },
    });
    expect(wrong.statusCode).toBe(403);
    const changed = await server.request({
      method: 'POST',
      url: '/api/auth/password',
      cookie: here,
      body: { currentPassword: testPassword, newPassword: 'a brand new passphrase' },
    });
    expect(changed.statusCode).toBe(204);
    expect((await server.request({ method: 'GET', url: '/api/auth/me', cookie: elsewhere })).statusCode).toBe(
      401,
    );
    expect((await server.request({ method: 'GET', url: '/api/auth/me', cookie: here })).statusCode).toBe(200);
    const oldLogin = await server.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'changer@example.com', password: testPassword },
    });
    expect(oldLogin.statusCode).toBe(401);
    const newLogin = await server.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'changer@example.com', password: 'a brand new passphrase' },
    });
    expect(newLogin.statusCode).toBe(200);
  });

  it.skipIf(skipReason)('refuses an expired session with a clear message', async () => {
    const { cookie, userId } = await server.signup('expiring@example.com');
    // A session nobody has used yet is not cached, so its expiry is read from the database.
    const fresh = sessionCookieFrom(
      await server.request({
        method: 'POST',
        url: '/api/auth/login',
        body: { email: 'expiring@example.com', password: testPassword },
      }),
    );
    await server.database.db
      .withTables<{ sessions: { user_id: string; expires_at: Date } }>()
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', userId)
      .execute();
    const response = await server.request({ method: 'GET', url: '/api/auth/me', cookie: fresh });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({
      error: { code: 'unauthenticated', message: expect.stringMatching(/expired/) },
    });
    expect(cookie).not.toBe(fresh);
  });
});
