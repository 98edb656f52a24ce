// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandRegistry, CommandsContext } from '../../platform/commands';
import { FakeSocket } from '../../testing/FakeSocket';
import { TerminalView } from './TerminalView';

/** The terminal socket's server end, as far as the view sees it: output in binary frames, then `ready`. */
class ShellSocket extends FakeSocket {
  binaryType = 'blob';

  // Keystrokes go out in binary frames, which FakeSocket's record of JSON messages cannot hold; no test
  // here reads them.
  override send() {}

  /** Terminal output, as the server's binary frames. */
  print(text: string) {
    this.emit('message', { data: new TextEncoder().encode(text).buffer });
  }

  ready() {
    this.push({ type: 'ready', id: 't1', replayedBytes: 0 });
  }
}

const prompt = 'user@vf:/workspace$ ';
/** What the server's bash prints for one command: the echo, C, its output, E, D and the next prompt. */
const ran = (command: string, output: string, exitCode: number) =>
  `${command}\r\n\x1b]633;C\x07${output}\x1b]633;E;${command.replace(/;/g, '\\x3b')}\x07\x1b]633;D;${exitCode}\x07${prompt}`;

async function openTerminal(onAskAgent?: (message: string) => void): Promise<ShellSocket> {
  render(
    <CommandsContext.Provider value={new CommandRegistry()}>
      <TerminalView
        projectId="00000000-0000-4000-8000-000000000001"
        terminalId="t1"
        label="Terminal 1"
        active
        theme="dark"
        fontSize={13}
        containerStatus="running"
        canStart
        starting={false}
        onStart={() => undefined}
        onHandle={() => undefined}
        onStateChange={() => undefined}
        onAskAgent={onAskAgent}
      />
    </CommandsContext.Provider>,
  );
  await waitFor(() => expect(FakeSocket.last?.readyState).toBe(1));
  return FakeSocket.last as ShellSocket;
}

/** Lets xterm parse what it was given (it does so asynchronously). */
async function settle(): Promise<void> {
  await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
}

beforeEach(() => {
  FakeSocket.last = undefined;
  vi.stubGlobal('WebSocket', ShellSocket);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('TerminalView: Fix with AI on a failed command', () => {
  it('offers it after a command fails and asks the agent with the command and its output', async () => {
    const ask = vi.fn();
    const socket = await openTerminal(ask);
    socket.ready();
    socket.print(prompt);
    socket.print(ran('npm test', 'FAIL src/app.test.ts\r\n\x1b[31m  expected 2, got 3\x1b[0m\r\n', 1));
    const fix = await screen.findByRole('button', { name: 'Fix with AI' });
    expect(screen.getByRole('status').textContent).toContain('npm test failed (exit 1)');

    fireEvent.click(fix);
    expect(ask).toHaveBeenCalledTimes(1);
    const message = String(ask.mock.calls[0]?.[0]);
    expect(message).toContain('npm test');
    expect(message).toContain('exit code 1');
    expect(message).toContain('FAIL src/app.test.ts\n  expected 2, got 3');
    expect(message).not.toContain('\x1b');
    expect(message).not.toContain(prompt);
    expect(screen.queryByRole('button', { name: 'Fix with AI' })).toBeNull();
  });

  it('is replaced by the next failure, kept on Ctrl+C, cleared by a success and dismissable', async () => {
    const socket = await openTerminal(vi.fn());
    socket.ready();
    socket.print(prompt + ran('make', 'No targets\r\n', 2));
    await screen.findByText('make');
    socket.print(ran('npm run build; echo', 'error TS2304\r\n', 1));
    await screen.findByText('npm run build; echo');
    socket.print(ran('sleep 30', '^C\r\n', 130));
    await settle();
    expect(screen.getByRole('status').textContent).toContain('npm run build; echo failed (exit 1)');
    socket.print(ran('npm run build', '', 0));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Fix with AI' })).toBeNull());

    socket.print(ran('false', '', 1));
    await screen.findByRole('button', { name: 'Fix with AI' });
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('button', { name: 'Fix with AI' })).toBeNull();
  });

  it('does not offer it for a failure in the replayed scrollback, nor without the agent', async () => {
    const socket = await openTerminal(vi.fn());
    socket.print(prompt + ran('npm test', 'FAIL\r\n', 1)); // the replay, before `ready`
    socket.ready();
    await settle();
    expect(screen.queryByRole('button', { name: 'Fix with AI' })).toBeNull();
    socket.print(ran('npm test', 'FAIL again\r\n', 1));
    await screen.findByRole('button', { name: 'Fix with AI' });
    cleanup();

    const without = await openTerminal(undefined);
    without.ready();
    without.print(prompt + ran('npm test', 'FAIL\r\n', 1));
    await settle();
    expect(screen.queryByRole('button', { name: 'Fix with AI' })).toBeNull();
  });
});
