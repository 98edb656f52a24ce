import { defaultPreferences, type Preferences } from '@vaporform/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../../testing/testDatabases.js';
import { startTestServer, type TestServer } from '../../testing/testServer.js';
import { readStored } from './preferencesService.js';

const [pglite] = testDatabaseKinds();

describe('preferences at /api/auth/preferences', () => {
  let server: TestServer;
  let alice: { token: string };
  let bob: { token: string };

  beforeAll(async () => {
    server = await startTestServer(await pglite!.open());
    alice = await server.userWithToken('alice@example.com');
    bob = await server.userWithToken('bob@example.com');
  });
  afterAll(async () => server?.close());

  const get = (token?: string) =>
    server.request({ method: 'GET', url: '/api/auth/preferences', ...(token ? { token } : {}) });
  const put = (body: unknown, token?: string) =>
    server.request({ method: 'PUT', url: '/api/auth/preferences', body, ...(token ? { token } : {}) });

  it('answers the defaults until something is stored', async () => {
    const response = await get(alice.token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      theme: 'dark',
      autosave: false,
      editorFontSize: 14,
      terminalFontSize: 13,
      agentReview: false,
      layout: {},
    });
  });

  it('stores the whole record, filling in what the body left out, and reads it back', async () => {
    const body = { theme: 'light', editorFontSize: 16, layout: { workbench: { sidebar: 18, main: 52 } } };
    const stored = await put(body, alice.token);
    expect(stored.statusCode, stored.body).toBe(200);
    const expected: Preferences = { ...defaultPreferences, ...body, theme: 'light' };
    expect(stored.json()).toEqual(expected);
    expect((await get(alice.token)).json()).toEqual(expected);

    // PUT replaces: a field left out goes back to its default.
    await put({ autosave: true }, alice.token);
    expect((await get(alice.token)).json()).toEqual({ ...defaultPreferences, autosave: true });
  });

  it('refuses unknown keys and out-of-range values with 400 validation_failed', async () => {
    for (const body of [{ fontFamily: 'Comic Sans' }, { editorFontSize: 200 }, { theme: 'pink' }]) {
      const response = await put(body, alice.token);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'validation_failed' } });
    }
  });

  it('keeps each user’s preferences their own', async () => {
    await put({ theme: 'light', terminalFontSize: 20 }, alice.token);
    expect((await get(bob.token)).json()).toEqual(defaultPreferences);
    await put({ editorFontSize: 10 }, bob.token);
    expect((await get(alice.token)).json()).toMatchObject({ theme: 'light', terminalFontSize: 20 });
    expect((await get(alice.token)).json()).toMatchObject({ editorFontSize: 14 });
  });

  it('needs a signed-in caller', async () => {
    expect((await get()).statusCode).toBe(401);
    expect((await put({ theme: 'light' })).statusCode).toBe(401);
  });
});

describe('readStored', () => {
  it('keeps what still fits a record an older version stored and defaults the rest', () => {
    expect(readStored(undefined)).toEqual(defaultPreferences);
    expect(readStored({ theme: 'light', editorFontSize: 99, removedSetting: true })).toEqual({
      ...defaultPreferences,
      theme: 'light',
    });
    expect(readStored('not an object')).toEqual(defaultPreferences);
  });
});
