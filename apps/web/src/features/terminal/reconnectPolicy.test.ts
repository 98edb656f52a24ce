import { describe, expect, it } from 'vitest';
import {
  canRestart,
  classifyClose,
  maxReconnectAttempts,
  reconnectDelay,
  reconnectDelaysMs,
} from './reconnectPolicy';

describe('classifyClose', () => {
  it('reconnects after a network blip, a server restart or a slow link', () => {
    for (const code of [1006, 1001, 1011, 1012, 1013, 4429]) {
      expect(classifyClose(code, '')).toEqual({ action: 'reconnect' });
    }
  });

  it('ends when the shell exited, with its exit code when the server sent one', () => {
    expect(classifyClose(1000, 'The shell exited', 130)).toEqual({
      action: 'end',
      kind: 'exited',
      message: 'The shell exited with code 130.',
    });
    expect(classifyClose(1000, 'The terminal was closed')).toMatchObject({
      kind: 'exited',
      message: 'The terminal was closed.',
    });
  });

  it('ends without retrying on idle, lost session, lost access and a deleted project', () => {
    expect(classifyClose(4408, '')).toMatchObject({ action: 'end', kind: 'idle' });
    expect(classifyClose(4401, 'Your session ended')).toMatchObject({
      action: 'end',
      kind: 'unauthenticated',
    });
    expect(classifyClose(4403, 'Your access to this project changed')).toEqual({
      action: 'end',
      kind: 'forbidden',
      message: 'Your access to this project changed.',
    });
    expect(classifyClose(4404, '')).toMatchObject({ action: 'end', kind: 'not_found' });
  });

  it('reports a conflict (container not running, too many terminals) with the server’s words', () => {
    expect(classifyClose(4409, 'The project is not running: start it first')).toEqual({
      action: 'conflict',
      message: 'The project is not running: start it first.',
    });
  });

  it('offers a restart unless the session or the project is gone', () => {
    expect(canRestart('exited')).toBe(true);
    expect(canRestart('idle')).toBe(true);
    expect(canRestart('unreachable')).toBe(true);
    expect(canRestart('unauthenticated')).toBe(false);
    expect(canRestart('not_found')).toBe(false);
  });
});

describe('reconnectDelay', () => {
  it('backs off and levels out at the last delay', () => {
    const middle = () => 0.5;
    const delays = Array.from({ length: 10 }, (_, attempt) => reconnectDelay(attempt, middle));
    expect(delays.slice(0, reconnectDelaysMs.length)).toEqual([...reconnectDelaysMs]);
    expect(delays.slice(reconnectDelaysMs.length).every((delay) => delay === 15_000)).toBe(true);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] ?? 0);
  });

  it('jitters by at most a fifth either way', () => {
    expect(reconnectDelay(0, () => 0)).toBe(400);
    expect(reconnectDelay(0, () => 1)).toBe(600);
    expect(reconnectDelay(-3, () => 0.5)).toBe(500);
  });

  it('gives up after a bounded number of attempts', () => {
    expect(maxReconnectAttempts).toBeGreaterThan(5);
    const total = Array.from({ length: maxReconnectAttempts }, (_, attempt) =>
      reconnectDelay(attempt, () => 0.5),
    ).reduce((sum, delay) => sum + delay, 0);
    // Long enough to ride out a server restart, short enough that a dead server is admitted within minutes.
    expect(total).toBeGreaterThan(60_000);
    expect(total).toBeLessThan(5 * 60_000);
  });
});
