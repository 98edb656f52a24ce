import type { AgentStreamEvent } from '@vaporform/contracts';
import { describe, expect, it } from 'vitest';
import {
  applyStreamEvent,
  applyStreamEvents,
  mergeTurn,
  mergeTurnList,
  optimisticTurn,
  type ChatTurn,
} from './applyStreamEvent';
import type { ServerTurn } from './chatApi';

const now = '2026-01-01T00:00:00.000Z';
const base = (): ChatTurn => ({
  ...optimisticTurn({ id: 't1', projectId: 'p', threadId: 'th', message: 'Add auth' }),
  pending: false,
});
const usage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.01 };
const step = (seq: number, event: AgentStreamEvent) => ({ seq, event });
const server = (overrides: Partial<ServerTurn> = {}): ServerTurn => {
  const { lastSeq: _seq, diffs: _diffs, toolOffsets: _offsets, pending: _pending, ...turn } = base();
  return { ...turn, ...overrides };
};

describe('applyStreamEvent', () => {
  it('appends text deltas in seq order, whatever order they arrive in a batch', () => {
    const turn = applyStreamEvents(base(), [
      step(3, { type: 'text', delta: 'c' }),
      step(1, { type: 'text', delta: 'a' }),
      step(2, { type: 'text', delta: 'b' }),
    ]);
    expect(turn.text).toBe('abc');
    expect(turn.lastSeq).toBe(3);
  });

  it('ignores duplicates and events older than the last applied', () => {
    let turn = applyStreamEvent(base(), 1, { type: 'text', delta: 'Hello' });
    turn = applyStreamEvent(turn, 2, { type: 'text', delta: ' world' });
    const again = applyStreamEvent(turn, 2, { type: 'text', delta: ' world' });
    const old = applyStreamEvent(again, 1, { type: 'text', delta: 'Hello' });
    expect(old).toBe(turn);
    expect(old.text).toBe('Hello world');
    expect(
      applyStreamEvents(turn, [step(3, { type: 'text', delta: '!' }), step(3, { type: 'text', delta: '!' })])
        .text,
    ).toBe('Hello world!');
  });

  it('matches tool results to their calls by id and records where each call sat in the text', () => {
    const turn = applyStreamEvents(base(), [
      step(1, { type: 'text', delta: 'Reading. ' }),
      step(2, { type: 'tool_call', id: 'a', name: 'read_file', input: { path: 'src/a.ts' } }),
      step(3, { type: 'tool_call', id: 'b', name: 'run_command', input: { command: 'npm test' } }),
      step(4, { type: 'tool_result', id: 'b', output: 'boom', isError: true }),
      step(5, { type: 'tool_result', id: 'a', output: 'export {}', isError: false }),
      step(6, { type: 'tool_result', id: 'nope', output: 'x', isError: false }),
    ]);
    expect(turn.toolCalls.map((call) => [call.id, call.output, call.isError])).toEqual([
      ['a', 'export {}', false],
      ['b', 'boom', true],
    ]);
    expect(turn.toolCalls.every((call) => call.finishedAt !== null)).toBe(true);
    expect(turn.toolOffsets).toEqual({ a: 9, b: 9 });
  });

  it('does not add a call twice when its tool_call is repeated under a new seq', () => {
    const call: AgentStreamEvent = { type: 'tool_call', id: 'a', name: 'list_files', input: {} };
    const turn = applyStreamEvents(base(), [step(1, call), step(2, call)]);
    expect(turn.toolCalls).toHaveLength(1);
  });

  it('keeps each changed file once with its latest diff, and the usage as reported', () => {
    const turn = applyStreamEvents(base(), [
      step(1, { type: 'file_changed', path: 'a.ts', diff: 'one' }),
      step(2, { type: 'file_changed', path: 'a.ts', diff: 'two' }),
      step(3, { type: 'usage', usage }),
    ]);
    expect(turn.changedFiles).toEqual(['a.ts']);
    expect(turn.diffs).toEqual({ 'a.ts': 'two' });
    expect(turn.usage).toEqual(usage);
  });

  it('appends each check as it is reported, repair rounds included', () => {
    const turn = applyStreamEvents(base(), [
      step(1, { type: 'check', name: 'typecheck', command: 'tsc', passed: false, output: 'TS2322' }),
      step(2, { type: 'check', name: 'typecheck', command: 'tsc', passed: true, output: '' }),
      step(2, { type: 'check', name: 'typecheck', command: 'tsc', passed: true, output: '' }),
    ]);
    expect(turn.checks).toEqual([
      { name: 'typecheck', command: 'tsc', passed: false, output: 'TS2322' },
      { name: 'typecheck', command: 'tsc', passed: true, output: '' },
    ]);
  });

  it('finishes the turn on a status event, with its error', () => {
    const failed = applyStreamEvent(
      base(),
      1,
      { type: 'status', status: 'failed', error: 'Overloaded' },
      now,
    );
    expect(failed).toMatchObject({ status: 'failed', error: 'Overloaded', finishedAt: now });
    const done = applyStreamEvent(base(), 1, { type: 'status', status: 'done', error: null }, now);
    expect(done).toMatchObject({ status: 'done', error: null, finishedAt: now });
  });
});

describe('mergeTurn', () => {
  it('takes the server snapshot and keeps the diffs only the stream had', () => {
    const local = applyStreamEvents(base(), [
      step(1, { type: 'text', delta: 'Done' }),
      step(2, { type: 'file_changed', path: 'a.ts', diff: '@@' }),
      step(3, { type: 'status', status: 'done', error: null }),
    ]);
    const merged = mergeTurn(
      local,
      server({ text: 'Done', status: 'done', changedFiles: ['a.ts'], checkpointId: 'c1' }),
    );
    expect(merged).toMatchObject({ status: 'done', checkpointId: 'c1', diffs: { 'a.ts': '@@' }, lastSeq: 3 });
  });

  it('shows the stored diffs of a turn loaded after a reload', () => {
    const loaded = mergeTurn(
      undefined,
      server({ status: 'done', changedFiles: ['a.ts'], fileDiffs: [{ path: 'a.ts', diff: '+x' }] }),
    );
    expect(loaded.diffs).toEqual({ 'a.ts': '+x' });
  });

  it('shows the stored checks of a turn loaded after a reload, and keeps streamed ones the snapshot lacks', () => {
    const check = { name: 'lint', command: 'eslint .', passed: false, output: 'no-unused-vars' };
    expect(mergeTurn(undefined, server({ status: 'done', checks: [check] })).checks).toEqual([check]);
    const local = applyStreamEvent(base(), 3, { type: 'check', ...check });
    expect(mergeTurn(local, server({ lastSeq: 2 })).checks).toEqual([check]);
    expect(mergeTurn(local, server({ checks: [check], lastSeq: 3 })).checks).toEqual([check]);
  });

  it('never takes a finished turn back to running, nor unsays streamed text', () => {
    const local = applyStreamEvents(base(), [
      step(1, { type: 'text', delta: 'All done.' }),
      step(2, { type: 'status', status: 'done', error: null }),
    ]);
    expect(mergeTurn(local, server({ text: 'All', status: 'running' })).status).toBe('done');
    const streaming = applyStreamEvent(base(), 1, { type: 'text', delta: 'Hello there' });
    expect(mergeTurn(streaming, server({ text: 'Hello' })).text).toBe('Hello there');
  });

  it('takes a snapshot that is further along (events missed while disconnected)', () => {
    const local = applyStreamEvent(base(), 1, { type: 'text', delta: 'He' });
    const merged = mergeTurn(local, server({ text: 'Hello, I read the file' }), 7);
    expect(merged.text).toBe('Hello, I read the file');
    expect(merged.lastSeq).toBe(7);
    expect(applyStreamEvent(merged, 7, { type: 'text', delta: 'dup' }).text).toBe('Hello, I read the file');
  });

  it("uses the server's lastSeq when it sends one", () => {
    const local = applyStreamEvent(base(), 4, { type: 'text', delta: 'Hello, world' });
    expect(mergeTurn(local, server({ text: 'Hello', lastSeq: 2 })).text).toBe('Hello, world');
    const merged = mergeTurn(local, server({ text: 'Hello, world and more', lastSeq: 9 }));
    expect(merged).toMatchObject({ text: 'Hello, world and more', lastSeq: 9 });
  });
});

describe('mergeTurnList', () => {
  it("follows the server's list, keeps turns still being sent and drops rewound ones", () => {
    const kept = base();
    const rewound = { ...base(), id: 't2' };
    const sending = optimisticTurn({ id: 'pending-1', projectId: 'p', threadId: 'th', message: 'More' });
    const merged = mergeTurnList([kept, rewound, sending], [server()]);
    expect(merged.map((turn) => turn.id)).toEqual(['t1', 'pending-1']);
  });
});
