import type { AgentStatus, Turn } from '@vaporform/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../apps/server/src/testing/testDatabases.js';
import { startTestServer, type TestServer } from '../apps/server/src/testing/testServer.js';
import { FakeAnthropicServer, reply, text } from './fakes/anthropicMessagesServer.js';
import { startTurn, waitForTurn } from './support/agentTurns.js';

/**
 * A person's own model key, stored as their user secret, pays for their turns: the fake API accepts only
 * that key, so a turn succeeds only if the server sent it. Nobody else's turns use it, and it never comes back.
 */
describe('agent turns on a user’s own key', () => {
  const ownKey = 'sk-ant-own-key-of-the-user-0123456789';
  let fake: FakeAnthropicServer;
  let server: TestServer;

  beforeAll(async () => {
    fake = await FakeAnthropicServer.start({ apiKey: ownKey });
    server = await startTestServer(await testDatabaseKinds()[0]!.open(), {
      env: {
        ANTHROPIC_BASE_URL: fake.url,
        ANTHROPIC_API_KEY: 'sk-server-key-the-fake-refuses',
        VAPORFORM_AUTOSTART: 'false',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  async function turnOf(token: string): Promise<Turn> {
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token,
      body: { name: 'Keys', templateId: 'node-express' },
    });
    const projectId = created.json<{ id: string }>().id;
    fake.script([reply([text('Hello from your own account.')])]);
    const { turnId } = await startTurn(server, projectId, token, 'Say hello');
    return waitForTurn(server, projectId, turnId, token);
  }

  const status = async (token: string) =>
    (await server.request({ method: 'GET', url: '/api/agent/status', token })).json<AgentStatus>();

  it('uses the key the user stored, for that user only, and never shows it', async () => {
    const withKey = await server.userWithToken('own-key@example.com');
    const without = await server.userWithToken('no-key@example.com');
    const stored = await server.request({
      method: 'PUT',
      url: '/api/auth/secrets/ANTHROPIC_API_KEY',
      token: withKey.token,
      body: { value: ownKey },
    });
    expect(stored.statusCode, stored.body).toBeLessThan(300);

    expect(await status(withKey.token)).toMatchObject({ available: true, keySource: 'user' });
    expect(await status(without.token)).toMatchObject({ available: true, keySource: 'server' });

    const mine = await turnOf(withKey.token);
    expect(mine).toMatchObject({ status: 'done', text: 'Hello from your own account.' });
    // The server-wide key is the one the fake refuses: the other user's turn fails with a clear error.
    const theirs = await turnOf(without.token);
    expect(theirs.status).toBe('failed');
    expect(theirs.error).toMatch(/key|auth/i);

    const listed = await server.request({ method: 'GET', url: '/api/auth/secrets', token: withKey.token });
    expect(listed.body).toContain('ANTHROPIC_API_KEY');
    for (const body of [listed.body, JSON.stringify(mine), JSON.stringify(await status(withKey.token))]) {
      expect(body).not.toContain(ownKey);
    }

    // Removing the key takes effect at once (the server remembers each user's answer until it changes).
    const removed = await server.request({
      method: 'DELETE',
      url: '/api/auth/secrets/ANTHROPIC_API_KEY',
      token: withKey.token,
    });
    expect(removed.statusCode).toBeLessThan(300);
    expect(await status(withKey.token)).toMatchObject({ keySource: 'server' });
  });
});
