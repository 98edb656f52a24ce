import type { ProjectPermission, ProjectSocketServerMessage } from '@vaporform/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { InProcessEventBus } from '../../platform/events/InProcessEventBus.js';
import type { Principal } from '../../platform/http/policy.js';
import { socketPair } from '../../testing/socketPair.js';
import { ProjectSocketService, type ProjectSocketServiceOptions } from './projectSocketService.js';

const alice: Principal = {
  userId: '5d0f7a0e-6b1e-4a51-9a57-3f1b2f9f0a01',
  email: 'alice@example.com',
  name: 'Alice',
  role: 'user',
  via: 'session',
  credentialId: 'c1',
};
const projectA = '1f6a3a8e-58a4-4c8e-9b8c-0c6f5b0d7a01';
const projectB = '1f6a3a8e-58a4-4c8e-9b8c-0c6f5b0d7a02';
const projectC = '1f6a3a8e-58a4-4c8e-9b8c-0c6f5b0d7a03';

/** Who may read what, changed by the tests; the fake stands in for ProjectAccess and AuthService. */
class Grants {
  permissions = new Map<string, ProjectPermission>([
    [projectA, 'read'],
    [projectB, 'read'],
    [projectC, 'read'],
  ]);
  credentialActive = true;
  watches = 0;
}

describe('ProjectSocketService', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function service(grants: Grants, options: Partial<ProjectSocketServiceOptions> = {}) {
    const events = new InProcessEventBus();
    const sockets = new ProjectSocketService({
      events,
      permissionOf: async (_principal, projectId) => grants.permissions.get(projectId) ?? null,
      credentialActive: async () => grants.credentialActive,
      watchProject: async () => {
        grants.watches++;
        return { dispose: () => void grants.watches-- };
      },
      ...options,
    });
    cleanups.push(() => sockets.dispose());
    return { sockets, events };
  }

  /** A connected pair: the server end for the service, the client end with its messages collected. */
  async function connectedPair() {
    const { server, client } = await socketPair(cleanups);
    const messages: ProjectSocketServerMessage[] = [];
    client.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as never));
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    const waitFor = async (count: number) => {
      for (let waited = 0; messages.length < count; waited += 10) {
        if (waited > 3_000) throw new Error(`only ${JSON.stringify(messages)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return messages;
    };
    const send = (message: object) => client.send(JSON.stringify(message));
    return { server, client, messages, closed, waitFor, send };
  }

  /** Alice's socket on a service of its own, subscribed to project A (with read access) and told so. */
  async function subscribedToA(options: Partial<ProjectSocketServiceOptions> = {}) {
    const grants = new Grants();
    const { sockets, events } = service(grants, options);
    const pair = await connectedPair();
    sockets.connect(pair.server, alice);
    pair.send({ type: 'subscribe', projectId: projectA });
    await pair.waitFor(1);
    return { grants, sockets, events, pair };
  }

  it('caps the subscriptions of one socket and the sockets of one user', async () => {
    const grants = new Grants();
    const { sockets } = service(grants, { maxSubscriptionsPerSocket: 2, maxSocketsPerUser: 1 });
    const first = await connectedPair();
    sockets.connect(first.server, alice);
    for (const projectId of [projectA, projectB, projectC]) first.send({ type: 'subscribe', projectId });
    expect(await first.waitFor(3)).toEqual([
      { type: 'subscribed', projectId: projectA, permission: 'read' },
      { type: 'subscribed', projectId: projectB, permission: 'read' },
      expect.objectContaining({ type: 'error', projectId: projectC, code: 'conflict' }),
    ]);
    expect(grants.watches).toBe(2);

    const second = await connectedPair();
    sockets.connect(second.server, alice);
    expect(await second.closed).toBe(4429);
    expect(sockets.size).toBe(1);
  });

  it('ends a subscription on the next sweep once access is gone, without any event', async () => {
    const { grants, pair } = await subscribedToA({ sweepMs: 50 });
    grants.permissions.set(projectA, 'execute');
    expect((await pair.waitFor(2))[1]).toEqual({
      type: 'subscribed',
      projectId: projectA,
      permission: 'execute',
    });
    grants.permissions.delete(projectA);
    expect((await pair.waitFor(3))[2]).toEqual({
      type: 'unsubscribed',
      projectId: projectA,
      reason: 'revoked',
    });
    expect(grants.watches).toBe(0);
  });

  it('closes the socket with 4401 when its credential ends, releasing what it held', async () => {
    const { grants, sockets, pair } = await subscribedToA({ sweepMs: 50 });
    grants.credentialActive = false;
    expect(await pair.closed).toBe(4401);
    expect(sockets.size).toBe(0);
    expect(grants.watches).toBe(0);
  });

  it('drops a socket that stopped reading instead of buffering for it', async () => {
    const { events, pair } = await subscribedToA({ maxBufferedBytes: 1024 });
    // The client stops reading: what the server sends piles up in its socket buffer.
    pair.client.pause();
    const path = 'x'.repeat(64 * 1024);
    for (let sent = 0; sent < 400 && pair.server.readyState === WebSocket.OPEN; sent++) {
      await events.publish('file.changed', { projectId: projectA, path, kind: 'modified' });
    }
    expect(pair.server.readyState).not.toBe(WebSocket.OPEN);
    pair.client.resume();
    expect(await pair.closed).toBe(1013);
  });

  it('closes every socket with 1001 and lets go of every watch on shutdown', async () => {
    const { grants, sockets, pair } = await subscribedToA();
    expect(grants.watches).toBe(1);
    await sockets.dispose();
    expect(grants.watches).toBe(0);
    expect(await pair.closed).toBe(1001);
  });
});
