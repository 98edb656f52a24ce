import { describe, expect, it } from 'vitest';
import { ApiError } from '../../platform/ApiError';
import {
  TerminalConnection,
  type ConnectionState,
  type SocketLike,
  type TerminalConnectionOptions,
} from './terminalConnection';

type Listener = (event: never) => void;

class FakeSocket implements SocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  readonly sent: (string | Uint8Array)[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {}

  send(data: string | ArrayBufferView | ArrayBuffer): void {
    this.sent.push(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  private emit(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as (event: unknown) => void)(event);
  }
  // Server side of the fake:
  open(): void {
    this.readyState = 1;
    this.emit('open', {});
  }
  output(text: string): void {
    this.emit('message', { data: new TextEncoder().encode(text).buffer });
  }
  text(message: unknown): void {
    this.emit('message', { data: JSON.stringify(message) });
  }
  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.emit('close', { code, reason });
  }
}

function setup(overrides: Partial<TerminalConnectionOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const timers: { run: () => void; ms: number; cleared: boolean }[] = [];
  const output: string[] = [];
  const states: ConnectionState[] = [];
  let resets = 0;
  let size = { cols: 80, rows: 24 };
  const connection = new TerminalConnection({
    url: ({ cols, rows }) => `ws://ide/api/projects/p/terminals/t-1?cols=${cols}&rows=${rows}`,
    size: () => size,
    onOutput: (bytes) => output.push(new TextDecoder().decode(bytes)),
    onReset: () => {
      resets += 1;
      output.length = 0;
    },
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => 0.5,
    setTimer: (run, ms) => {
      const timer = { run, ms, cleared: false };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => {
      (timer as { cleared: boolean }).cleared = true;
    },
    now: () => 0,
    ...overrides,
  });
  connection.onState((state) => states.push(state));
  const fireTimer = () => {
    const timer = timers.filter((entry) => !entry.cleared).pop();
    if (!timer) throw new Error('no timer pending');
    timer.cleared = true;
    timer.run();
  };
  return {
    connection,
    sockets,
    timers,
    output,
    states,
    fireTimer,
    resets: () => resets,
    resize: (next: { cols: number; rows: number }) => {
      size = next;
    },
    last: () => sockets[sockets.length - 1]!,
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('TerminalConnection', () => {
  it('connects with the terminal size, shows the replay, and is open once the server is ready', () => {
    const t = setup();
    t.connection.start();
    expect(t.last().url).toBe('ws://ide/api/projects/p/terminals/t-1?cols=80&rows=24');
    expect(t.last().binaryType).toBe('arraybuffer');
    t.last().open();
    t.last().output('earlier output\r\n$ ');
    t.last().text({ type: 'ready', id: 't-1', replayedBytes: 20 });
    expect(t.output.join('')).toBe('earlier output\r\n$ ');
    expect(t.connection.state).toEqual({ kind: 'open' });
    // The shell learns this tab's size, which may differ from the one it was started with.
    expect(t.last().sent).toEqual([JSON.stringify({ type: 'resize', cols: 80, rows: 24 })]);
  });

  it('sends keystrokes as binary frames and resizes as text frames', () => {
    const t = setup();
    t.connection.send('dropped: no socket yet');
    t.connection.start();
    t.connection.send('held ');
    t.connection.send('while opening');
    expect(t.last().sent).toEqual([]);
    t.last().open();
    expect(t.last().sent).toEqual([
      new TextEncoder().encode('held '),
      new TextEncoder().encode('while opening'),
    ]);
    t.last().text({ type: 'ready' });
    t.last().sent.length = 0;
    t.connection.send('ls\r');
    t.connection.resize({ cols: 120, rows: 40 });
    expect(t.last().sent).toEqual([
      new TextEncoder().encode('ls\r'),
      '{"type":"resize","cols":120,"rows":40}',
    ]);
  });

  it('reconnects to the same shell after a network blip, clearing the screen before the replay', () => {
    const t = setup();
    t.connection.start();
    t.last().open();
    t.last().output('hello');
    t.last().text({ type: 'ready' });
    t.last().serverClose(1006);
    expect(t.connection.state).toMatchObject({ kind: 'reconnecting', attempt: 1 });
    expect(t.timers.at(-1)?.ms).toBe(500);

    t.resize({ cols: 100, rows: 30 });
    t.fireTimer();
    expect(t.sockets).toHaveLength(2);
    expect(t.last().url).toContain('cols=100&rows=30');
    t.last().open();
    expect(t.resets()).toBe(2);
    t.last().output('hello again');
    t.last().text({ type: 'ready' });
    expect(t.output.join('')).toBe('hello again');
    expect(t.connection.state).toEqual({ kind: 'open' });
  });

  it('backs off while the server stays away, and starts from the shortest delay once it is back', () => {
    const t = setup();
    t.connection.start();
    t.last().open();
    t.last().serverClose(1001);
    for (let i = 0; i < 3; i++) {
      t.fireTimer();
      t.last().open();
      t.last().serverClose(1006);
    }
    expect(t.timers.map((timer) => timer.ms)).toEqual([500, 1000, 2000, 4000]);
    t.fireTimer();
    t.last().open();
    t.last().text({ type: 'ready' });
    t.last().serverClose(1006);
    expect(t.timers.at(-1)?.ms).toBe(500);
  });

  it('gives up after the last attempt and can be restarted', () => {
    const t = setup();
    t.connection.start();
    for (let i = 0; i < 12; i++) {
      t.last().open();
      t.last().serverClose(1006);
      t.fireTimer();
    }
    t.last().open();
    t.last().serverClose(1006);
    expect(t.connection.state).toMatchObject({ kind: 'ended', reason: 'unreachable' });
    const sockets = t.sockets.length;
    t.connection.restart();
    expect(t.sockets).toHaveLength(sockets + 1);
    expect(t.connection.state).toEqual({ kind: 'connecting', attempt: 0 });
  });

  it.each([
    [1000, 'exited'],
    [4408, 'idle'],
    [4401, 'unauthenticated'],
    [4403, 'forbidden'],
  ] as const)('does not reconnect after close code %i (%s)', (code, reason) => {
    const t = setup();
    t.connection.start();
    t.last().open();
    t.last().text({ type: 'ready' });
    t.last().serverClose(code, 'why');
    expect(t.connection.state).toMatchObject({ kind: 'ended', reason });
    expect(t.timers).toHaveLength(0);
  });

  it('says how the shell exited', () => {
    const t = setup();
    t.connection.start();
    t.last().open();
    t.last().text({ type: 'ready' });
    t.last().text({ type: 'exit', code: 0 });
    t.last().serverClose(1000, 'The shell exited');
    expect(t.connection.state).toEqual({
      kind: 'ended',
      reason: 'exited',
      message: 'The shell exited with code 0.',
    });
  });

  it('reports a conflict, and resumes it when the container is back', () => {
    const t = setup();
    t.connection.start();
    t.last().open();
    t.last().serverClose(4409, 'The project is not running: start it first');
    expect(t.connection.state).toEqual({
      kind: 'conflict',
      message: 'The project is not running: start it first.',
    });
    t.connection.resumeIfDown(false);
    expect(t.sockets).toHaveLength(2);
    expect(t.connection.state.kind).toBe('connecting');
  });

  it('restarts an exited shell only when the container itself came back', () => {
    const t = setup();
    t.connection.start();
    t.last().open();
    t.last().text({ type: 'ready' });
    t.last().serverClose(1000, 'The shell exited');
    t.connection.resumeIfDown(false);
    expect(t.sockets).toHaveLength(1);
    t.connection.resumeIfDown(true);
    expect(t.sockets).toHaveLength(2);
  });

  it('asks the server why when the upgrade was refused, and stops on a lost session', async () => {
    const t = setup({
      probe: () => Promise.reject(new ApiError('unauthenticated', 'Sign in first', 401)),
    });
    t.connection.start();
    t.last().serverClose(1006);
    await flush();
    expect(t.connection.state).toMatchObject({ kind: 'ended', reason: 'unauthenticated' });
    expect(t.timers).toHaveLength(0);
  });

  it('keeps retrying when the probe finds nothing wrong (the server is just away)', async () => {
    const t = setup({ probe: () => Promise.reject(new ApiError('network', 'offline', 0)) });
    t.connection.start();
    t.last().serverClose(1006);
    await flush();
    expect(t.connection.state.kind).toBe('reconnecting');
  });

  it('drops input typed while waiting to reconnect, and caps what waits for an opening socket', () => {
    const t = setup();
    t.connection.start();
    t.connection.send('x'.repeat(5000));
    t.connection.send('y'.repeat(4000));
    t.last().open();
    expect(t.last().sent).toEqual([new TextEncoder().encode('y'.repeat(4000))]);
    t.last().serverClose(1006);
    t.connection.send('lost');
    t.fireTimer();
    t.last().open();
    expect(t.last().sent).toEqual([]);
  });

  it('closes its socket and schedules nothing once disposed', () => {
    const t = setup();
    t.connection.start();
    const socket = t.last();
    socket.open();
    t.connection.dispose();
    expect(socket.closedWith?.code).toBe(1000);
    socket.serverClose(1006);
    expect(t.timers).toHaveLength(0);
  });

  it('skips the wait on "Reconnect now"', () => {
    const t = setup();
    t.connection.start();
    t.last().open();
    t.last().serverClose(1006);
    t.connection.reconnectNow();
    expect(t.timers[0]?.cleared).toBe(true);
    expect(t.sockets).toHaveLength(2);
  });
});
