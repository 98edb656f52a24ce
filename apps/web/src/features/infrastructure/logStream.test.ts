import type { ContainerLogLine } from '@vaporform/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../platform/ApiError';
import { LogStream, type LogStreamOptions, type LogStreamState } from './logStream';

const line = (time: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): ContainerLogLine => ({
  stream,
  text,
  time,
});

function body(lines: ContainerLogLine[]): ReadableStream<Uint8Array> {
  const text = lines.map((entry) => `${JSON.stringify(entry)}\n`).join('');
  return new ReadableStream({
    start(controller) {
      // Split mid-line to exercise the splitter through the stream.
      const bytes = new TextEncoder().encode(text);
      const middle = Math.floor(bytes.length / 2);
      controller.enqueue(bytes.slice(0, middle));
      controller.enqueue(bytes.slice(middle));
      controller.close();
    },
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(answers: (ContainerLogLine[] | Error)[], overrides: Partial<LogStreamOptions> = {}) {
  const queries: { tail: number; since?: string }[] = [];
  const received: string[] = [];
  const states: LogStreamState[] = [];
  const timers: { run: () => void; ms: number }[] = [];
  let running = true;
  const stream = new LogStream({
    open: async (query) => {
      queries.push(query);
      const answer = answers.shift();
      if (answer === undefined) return new ReadableStream({ start: () => undefined }); // stays open
      if (answer instanceof Error) throw answer;
      return body(answer);
    },
    onLines: (lines) => received.push(...lines.map((entry) => entry.text)),
    onState: (state) => states.push(state),
    running: () => running,
    setTimer: (run, ms) => {
      const timer = { run, ms };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => {
      timers.splice(timers.indexOf(timer as { run: () => void; ms: number }), 1);
    },
    now: () => 0,
    ...overrides,
  });
  return {
    stream,
    queries,
    received,
    states,
    timers,
    setRunning: (value: boolean) => {
      running = value;
    },
    fire: () => timers.shift()?.run(),
  };
}

describe('LogStream', () => {
  it('asks for the tail first, then resumes from the last line without repeating it', async () => {
    const t = setup([
      [line('2026-01-01T00:00:01.000Z', 'one'), line('2026-01-01T00:00:02.500123456Z', 'two')],
      [
        line('2026-01-01T00:00:02.500123456Z', 'two'),
        line('2026-01-01T00:00:02.500999Z', 'two and a half'),
        line('2026-01-01T00:00:03.000Z', 'three'),
      ],
    ]);
    t.stream.start();
    await settle();
    expect(t.received).toEqual(['one', 'two']);
    expect(t.states.at(-1)).toMatchObject({ kind: 'retrying', error: null });
    t.fire();
    await settle();
    expect(t.queries).toEqual([{ tail: 500 }, { tail: 5000, since: '2026-01-01T00:00:02.500Z' }]);
    expect(t.received).toEqual(['one', 'two', 'two and a half', 'three']);
    t.stream.stop();
  });

  it('waits quietly when the stream ends and the container is not running, until kicked', async () => {
    const t = setup([[], [line('2026-01-01T00:00:01.000Z', 'booted')]]);
    t.setRunning(false);
    t.stream.start();
    await settle();
    expect(t.states.at(-1)).toEqual({ kind: 'idle' });
    expect(t.timers).toHaveLength(0);
    t.setRunning(true);
    t.stream.kick();
    await settle();
    // Nothing was seen yet: the new container's log from its start.
    expect(t.queries[1]).toEqual({ tail: 500 });
    expect(t.received).toEqual(['booted']);
    t.stream.stop();
  });

  it('backs off while opening fails, and gives up on a refusal', async () => {
    const t = setup([new ApiError('network', 'offline', 0), new ApiError('internal', 'boom', 500)]);
    t.stream.start();
    await settle();
    expect(t.timers.map((timer) => timer.ms)).toEqual([1000]);
    t.fire();
    await settle();
    expect(t.timers.map((timer) => timer.ms)).toEqual([2000]);
    expect(t.states.at(-1)).toMatchObject({ kind: 'retrying', error: 'boom' });

    const refused = setup([new ApiError('forbidden', 'No access to this project', 403)]);
    refused.stream.start();
    await settle();
    expect(refused.states.at(-1)).toEqual({ kind: 'failed', error: 'No access to this project' });
    expect(refused.timers).toHaveLength(0);
  });

  it('stops reading and retrying when stopped', async () => {
    const t = setup([]);
    t.stream.start();
    await settle();
    expect(t.states.at(-1)).toEqual({ kind: 'streaming' });
    t.stream.stop();
    t.stream.kick();
    expect(t.queries).toHaveLength(1);
  });

  it('keeps lines logged in the same millisecond that differ', () => {
    const t = setup([]);
    const time = '2026-01-01T00:00:00.123Z';
    expect(t.stream.accept(line(time, 'a'))).toBe(true);
    expect(t.stream.accept(line(time, 'b'))).toBe(true);
    expect(t.stream.accept(line(time, 'a'))).toBe(false);
    expect(t.stream.accept(line(time, 'a', 'stderr'))).toBe(true);
    expect(t.stream.accept(line('2026-01-01T00:00:00.122Z', 'older'))).toBe(false);
    expect(t.stream.accept(line('not a time', 'kept'))).toBe(true);
  });
});
