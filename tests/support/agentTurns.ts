import type { Turn } from '@vaporform/contracts';
import { expect } from 'vitest';
import type { TestServer } from '../../apps/server/src/testing/testServer.js';

type Requester = Pick<TestServer, 'request'>;

const notRunning = (turn: Turn) => turn.status !== 'running';

/**
 * Reads a turn until `until` holds for it (by default: it is no longer running). A turn runs in the
 * background of the request that started it, so its end can only be polled for.
 */
export async function pollTurn(
  read: () => Promise<Turn>,
  until: (turn: Turn) => boolean = notRunning,
  timeoutMs = 10_000,
): Promise<Turn> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const turn = await read();
    if (until(turn)) return turn;
    if (Date.now() > deadline) throw new Error(`turn ${turn.id} did not get there: ${turn.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `pollTurn` through the test server's API, as the person with `token` sees the turn. */
export function waitForTurn(
  server: Requester,
  projectId: string,
  turnId: string,
  token: string,
  until?: (turn: Turn) => boolean,
  timeoutMs?: number,
): Promise<Turn> {
  const read = async () =>
    (
      await server.request({ method: 'GET', url: `/api/projects/${projectId}/chat/turns/${turnId}`, token })
    ).json<Turn>();
  return pollTurn(read, until, timeoutMs);
}

/** Asks the project's agent, in `threadId` or a new thread; the turn then runs on its own. */
export async function startTurn(
  server: Requester,
  projectId: string,
  token: string,
  message: string,
  threadId?: string,
): Promise<{ turnId: string; threadId: string }> {
  const started = await server.request({
    method: 'POST',
    url: `/api/projects/${projectId}/chat`,
    token,
    body: { message, ...(threadId ? { threadId } : {}) },
  });
  expect(started.statusCode, started.body).toBe(202);
  return started.json<{ turnId: string; threadId: string }>();
}
