import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { optimisticTurn, type ChatTurn } from './applyStreamEvent';
import { chatKeys } from './chatKeys';
import { routeStreamEvent, type AgentTurnPayload } from './routeStreamEvent';
import { beginSend, takeHeld } from './streamBuffer';

const projectId = 'p1';
const turnIn = (threadId: string, id: string): ChatTurn => ({
  ...optimisticTurn({ id, projectId, threadId, message: 'hi' }),
  pending: false,
});
const payload = (threadId: string, turnId: string, seq: number, delta: string): AgentTurnPayload => ({
  projectId,
  threadId,
  turnId,
  userId: 'u1',
  seq,
  event: { type: 'text', delta },
});

afterEach(() => {
  takeHeld('t-new');
});

describe('routeStreamEvent', () => {
  it("updates only the event's own thread", () => {
    const client = new QueryClient();
    client.setQueryData(chatKeys.turns(projectId, 'a'), [turnIn('a', 't-a')]);
    client.setQueryData(chatKeys.turns(projectId, 'b'), [turnIn('b', 't-b')]);
    routeStreamEvent(client, projectId, payload('b', 't-b', 1, 'for b'));
    expect(client.getQueryData<ChatTurn[]>(chatKeys.turns(projectId, 'a'))?.[0]?.text).toBe('');
    expect(client.getQueryData<ChatTurn[]>(chatKeys.turns(projectId, 'b'))?.[0]?.text).toBe('for b');
  });

  it('holds the events of a turn being sent until the answer names it', () => {
    const client = new QueryClient();
    const endSend = beginSend(projectId);
    routeStreamEvent(client, projectId, payload('a', 't-new', 1, 'early'));
    endSend();
    expect(takeHeld('t-new')).toEqual([{ seq: 1, event: { type: 'text', delta: 'early' } }]);
  });

  it('marks a thread whose turn it does not know for a refetch, without holding for unwatched threads', () => {
    const client = new QueryClient();
    client.setQueryData(chatKeys.turns(projectId, 'a'), [turnIn('a', 't-a')]);
    routeStreamEvent(client, projectId, payload('a', 't-new', 1, 'elsewhere'));
    expect(client.getQueryState(chatKeys.turns(projectId, 'a'))?.isInvalidated).toBe(true);
    expect(takeHeld('t-new')).toEqual([]);
  });

  it('refetches a finished turn when its proposal is decided (a seq 0 review event)', () => {
    const client = new QueryClient();
    client.setQueryData(chatKeys.turns(projectId, 'a'), [
      { ...turnIn('a', 't-a'), status: 'done', lastSeq: 9 },
    ]);
    routeStreamEvent(client, projectId, {
      ...payload('a', 't-a', 0, ''),
      event: { type: 'review', review: { files: [{ path: 'x.ts', status: 'accepted' }] } },
    });
    expect(client.getQueryState(chatKeys.turns(projectId, 'a'))?.isInvalidated).toBe(true);
  });
});
