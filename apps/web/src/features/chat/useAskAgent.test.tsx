// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandRegistry, CommandsContext } from '../../platform/commands';
import { ToastProvider } from '../../ui/Toasts';
import { chatKeys } from './chatKeys';
import { NEW_SELECTION, readSelectedThread, selectThread } from './selectedThread';
import { useAskAgent } from './useAskAgent';

const projectId = '00000000-0000-4000-8000-000000000001';
const threadId = '00000000-0000-4000-8000-0000000000a1';
const newThreadId = '00000000-0000-4000-8000-0000000000a2';
const turnId = '00000000-0000-4000-8000-0000000000b1';
const at = '2026-01-01T00:00:00.000Z';
let bodies: unknown[];

beforeEach(() => {
  bodies = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      if (url.endsWith('/chat/threads')) {
        return new Response(
          JSON.stringify([{ id: threadId, projectId, title: 'T', createdAt: at, updatedAt: at }]),
        );
      }
      bodies.push(JSON.parse(init?.body as string));
      const body = bodies.at(-1) as { threadId?: string };
      return new Response(JSON.stringify({ turnId, threadId: body.threadId ?? newThreadId }), {
        status: 202,
      });
    }),
  );
});
afterEach(() => {
  cleanup();
  selectThread(projectId, null);
  vi.unstubAllGlobals();
});

function setup() {
  const client = new QueryClient();
  const commands = new CommandRegistry();
  const show = vi.fn();
  commands.register({ id: 'vaporform.chat.show', title: 'Show Chat', run: show });
  let ask: ((message: string) => Promise<void>) | undefined;
  function Probe() {
    ask = useAskAgent(projectId);
    return null;
  }
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <CommandsContext.Provider value={commands}>
          <Probe />
        </CommandsContext.Provider>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { client, show, ask: (message: string) => act(() => ask!(message)) };
}

describe('useAskAgent', () => {
  it('asks in the most recent thread when none is chosen, with the chat closed, and shows the chat', async () => {
    const { client, show, ask } = setup();
    await ask('Fix this error: TypeError: x is undefined');
    expect(show).toHaveBeenCalled();
    expect(bodies).toEqual([{ message: 'Fix this error: TypeError: x is undefined', threadId }]);
    const turns = client.getQueryData<{ id: string; status: string }[]>(chatKeys.turns(projectId, threadId));
    expect(turns?.map((turn) => [turn.id, turn.status])).toEqual([[turnId, 'running']]);
  });

  it('starts a new conversation when the chat is on "New chat", and selects it', async () => {
    selectThread(projectId, NEW_SELECTION);
    const { ask } = setup();
    await ask('Why does the build fail?');
    expect(bodies).toEqual([{ message: 'Why does the build fail?' }]);
    expect(readSelectedThread(projectId)).toBe(newThreadId);
  });
});
