// @vitest-environment happy-dom
import type { AgentStreamEvent, Project, Thread, Turn } from '@vaporform/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProjectListener } from '../../platform/ProjectSocket';
import { CommandRegistry, CommandsContext } from '../../platform/commands';
import { ToastProvider } from '../../ui/Toasts';
import { EditorsContext, type Editors } from '../editor';
import { ChatPanel } from './ChatPanel';
import { selectThread } from './selectedThread';

const socket = vi.hoisted(() => ({ listener: undefined as ProjectListener | undefined }));
vi.mock('../../platform/projectEvents', () => ({
  useProjectEvents: (_projectId: string, listener: ProjectListener) => {
    socket.listener = listener;
  },
}));

const projectId = '00000000-0000-4000-8000-000000000001';
const userId = '00000000-0000-4000-8000-000000000002';
const threadId = '00000000-0000-4000-8000-0000000000a1';
const turnId = '00000000-0000-4000-8000-0000000000b1';
const newTurnId = '00000000-0000-4000-8000-0000000000b2';
const at = '2026-01-01T00:00:00.000Z';

const project: Project = {
  id: projectId,
  slug: 'demo',
  name: 'Demo',
  description: '',
  templateId: 'node-express',
  visibility: 'private',
  ownerId: userId,
  permission: 'admin',
  createdAt: at,
  updatedAt: at,
  lastOpenedAt: null,
};
const thread: Thread = { id: threadId, projectId, title: 'Add a health route', createdAt: at, updatedAt: at };
const turn = (overrides: Partial<Turn> = {}): Turn => ({
  id: turnId,
  threadId,
  projectId,
  userId,
  status: 'done',
  message: 'Add a health route',
  text: 'I added **GET /health**.',
  toolCalls: [],
  changedFiles: ['src/app.ts'],
  fileDiffs: [],
  checks: [],
  usage: { inputTokens: 1200, outputTokens: 80, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.0042 },
  checkpointId: 'abc123',
  review: null,
  approval: null,
  error: null,
  model: 'claude-test',
  createdAt: at,
  finishedAt: at,
  ...overrides,
});

interface Server {
  status: { available: boolean; provider: null | 'anthropic'; model: string | null; hint: string | null };
  threads: Thread[];
  turns: Turn[];
  start: () => Response;
  requests: string[];
  reviews: unknown[];
}
let server: Server;
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

beforeEach(() => {
  server = {
    status: { available: true, provider: 'anthropic', model: 'claude-test', hint: null },
    threads: [thread],
    turns: [turn()],
    start: () => json({ turnId: newTurnId, threadId }, 202),
    requests: [],
    reviews: [],
  };
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      server.requests.push(`${method} ${url}`);
      const base = `/api/projects/${projectId}/chat`;
      if (url === '/api/agent/status') return json(server.status);
      if (url === `/api/projects/${projectId}`) return json(project);
      if (url.endsWith('/approval') && method === 'POST') {
        server.reviews.push(JSON.parse(init?.body as string));
        return json(turn({ status: 'running', finishedAt: null }));
      }
      if (url.endsWith('/review') && method === 'POST') {
        const body = JSON.parse(init?.body as string) as { decision: 'accept' | 'reject'; paths?: string[] };
        server.reviews.push(body);
        const decided = turn({
          review: {
            files: [
              { path: 'src/app.ts', status: body.decision === 'accept' ? 'accepted' : 'rejected' },
              { path: 'src/auth.ts', status: 'pending' },
            ],
          },
        });
        return json(decided);
      }
      if (url === `${base}/threads`) return json(server.threads);
      if (url === `${base}/threads/${threadId}/turns`) return json(server.turns);
      if (url === base && method === 'POST') return server.start();
      if (url.endsWith('/cancel')) return json(turn({ id: newTurnId, status: 'cancelled', text: '' }));
      if (url.endsWith('/rewind')) {
        server.turns = [];
        return json({ restoredCheckpoint: 'abc123' });
      }
      return json({ error: { code: 'not_found', message: 'No such route' } }, 404);
    }),
  );
});
afterEach(() => {
  cleanup();
  selectThread(projectId, null);
  vi.unstubAllGlobals();
});

const openFile = vi.fn();
const openDiff = vi.fn();
const editors: Editors = {
  openFile,
  openDiff,
  renamed: vi.fn(),
  deleted: vi.fn(),
  saveAll: vi.fn(async () => undefined),
  activePath: null,
  openPaths: [],
  dirtyPaths: new Set(),
};

function renderPanel() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const commands = new CommandRegistry();
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <CommandsContext.Provider value={commands}>
          <EditorsContext.Provider value={editors}>
            <ChatPanel project={project} />
          </EditorsContext.Provider>
        </CommandsContext.Provider>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { client, commands };
}

const log = () => screen.getByRole('log', { name: 'Chat messages' });
const input = () => screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' });
/** Delivers one `agent.turn` event and lets the query cache notify (it batches on a timer). */
const stream = (seq: number, event: AgentStreamEvent, id = newTurnId) =>
  act(async () => {
    socket.listener?.event?.({
      type: 'event',
      projectId,
      name: 'agent.turn',
      payload: { projectId, threadId, turnId: id, userId, seq, event },
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
  });

describe('ChatPanel', () => {
  it('says how to add a model, and disables the input, when the agent is unavailable', async () => {
    server.status = {
      available: false,
      provider: null,
      model: null,
      hint: 'Set ANTHROPIC_API_KEY and restart.',
    };
    renderPanel();
    expect(await screen.findByRole('note')).toHaveProperty(
      'textContent',
      'Set ANTHROPIC_API_KEY and restart.',
    );
    expect(input().disabled).toBe(true);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Send' }).disabled).toBe(true);
  });

  it('shows the most recent thread: message, markdown answer, changed files and usage', async () => {
    renderPanel();
    const article = await within(log()).findByText('Add a health route', { selector: '.chat-user-text' });
    const turnElement = article.closest('[data-status]')!;
    expect(turnElement.getAttribute('data-status')).toBe('done');
    expect(turnElement.querySelector('strong')?.textContent).toBe('GET /health');
    expect(within(turnElement as HTMLElement).getByText(/1,200 in · 80 out · \$0\.0042/)).toBeTruthy();
    fireEvent.click(within(turnElement as HTMLElement).getByRole('button', { name: 'Compare' }));
    expect(openDiff).toHaveBeenCalledWith(expect.objectContaining({ path: 'src/app.ts', from: 'abc123' }));
    expect(screen.getByRole('heading', { name: 'Add a health route' })).toBeTruthy();
  });

  it('review mode: shows the proposal, accepts one file, and shows what was decided', async () => {
    server.turns = [
      turn({
        changedFiles: ['src/app.ts', 'src/auth.ts'],
        checkpointId: null,
        review: {
          files: [
            { path: 'src/app.ts', status: 'pending' },
            { path: 'src/auth.ts', status: 'pending' },
          ],
        },
      }),
    ];
    renderPanel();
    const proposal = await within(log()).findByRole('region', { name: 'Proposed changes' });
    expect(within(proposal).getByText(/Proposed 2 files/)).toBeTruthy();
    fireEvent.click(await within(proposal).findByRole('button', { name: 'Accept src/app.ts' }));
    await waitFor(() => expect(server.reviews).toEqual([{ decision: 'accept', paths: ['src/app.ts'] }]));
    expect(await within(proposal).findByText('Accepted')).toBeTruthy();
    expect(within(proposal).queryByRole('button', { name: 'Accept src/app.ts' })).toBeNull();
    expect(within(proposal).getByRole('button', { name: 'Reject src/auth.ts' })).toBeTruthy();
  });

  it('asks to allow an MCP tool a running turn waits on, and sends the answer', async () => {
    server.turns = [
      turn({
        status: 'running',
        finishedAt: null,
        approval: { tool: 'mcp__docs__search', server: 'docs', input: { query: 'routing' } },
      }),
    ];
    renderPanel();
    const card = await within(log()).findByRole('alertdialog', { name: 'Allow mcp__docs__search?' });
    expect(card.textContent).toContain('"query": "routing"');
    fireEvent.click(await within(card).findByRole('button', { name: 'Allow for this project' }));
    await waitFor(() => expect(server.reviews).toEqual([{ tool: 'mcp__docs__search', allow: true }]));
  });

  it('shows the checks the agent ran, each expanding to its output', async () => {
    server.turns = [
      turn({
        checks: [
          { name: 'typecheck', command: 'npm run typecheck --silent', passed: false, output: 'error TS2322' },
          { name: 'typecheck', command: 'npm run typecheck --silent', passed: true, output: '' },
        ],
      }),
    ];
    renderPanel();
    const checks = await within(log()).findByRole('region', { name: 'Checks' });
    const rows = within(checks).getAllByRole('button');
    expect(rows.map((row) => row.textContent)).toEqual(['typecheckfailed', 'typecheckpassed']);
    expect(within(rows[0]!).getByRole('img', { name: 'Failed' })).toBeTruthy();
    fireEvent.click(rows[0]!);
    expect(rows[0]!.getAttribute('aria-expanded')).toBe('true');
    expect(within(checks).getByText('error TS2322')).toBeTruthy();
  });

  it('sends on Enter, shows the turn at once and follows its stream', async () => {
    renderPanel();
    await within(log()).findByText('GET /health');
    fireEvent.change(input(), { target: { value: 'Now add tests' } });
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(await within(log()).findByText('Now add tests')).toBeTruthy();
    // The server streams before its 202 arrives: those events are held and applied.
    await stream(1, { type: 'text', delta: 'Writing ' });
    await waitFor(() => expect(server.requests).toContain(`POST /api/projects/${projectId}/chat`));
    const running = await waitFor(() => {
      const element = log().querySelector('[data-status="running"]');
      expect(element?.textContent).toContain('Writing');
      return element as HTMLElement;
    });
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Send' }).disabled).toBe(true);
    await stream(2, { type: 'tool_call', id: 'c1', name: 'write_file', input: { path: 'test/app.test.ts' } });
    await stream(2, { type: 'text', delta: 'duplicate' });
    await stream(3, { type: 'tool_result', id: 'c1', output: 'Wrote 12 lines', isError: false });
    await stream(4, { type: 'text', delta: 'tests.' });
    const tool = within(running).getByRole('button', { name: /write_file test\/app\.test\.ts/ });
    expect(tool.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(tool);
    expect(tool.getAttribute('aria-expanded')).toBe('true');
    expect(within(running).getByText('Wrote 12 lines')).toBeTruthy();
    expect(running.textContent).not.toContain('duplicate');
    await stream(5, {
      type: 'file_changed',
      path: 'test/app.test.ts',
      diff: '@@ -0,0 +1 @@\n+it("works")\n',
    });
    await stream(6, { type: 'status', status: 'done', error: null });
    expect(running.getAttribute('data-status')).toBe('done');
    fireEvent.click(within(running).getByRole('button', { name: /test\/app\.test\.ts/, expanded: false }));
    expect(within(running).getByText('+it("works")').getAttribute('data-kind')).toBe('add');
  });

  it('says so when the agent is busy on the project (409), and gives the message back', async () => {
    server.start = () => json({ error: { code: 'conflict', message: 'busy' } }, 409);
    renderPanel();
    await within(log()).findByText('GET /health');
    fireEvent.change(input(), { target: { value: 'Again' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/busy with another request/);
    expect(input().value).toBe('Again');
    expect(log().querySelectorAll('[data-status]')).toHaveLength(1);
  });

  it('stops a running turn', async () => {
    server.turns = [
      turn(),
      turn({ id: newTurnId, status: 'running', text: 'Working on it', finishedAt: null }),
    ];
    renderPanel();
    fireEvent.click(await screen.findByRole('button', { name: 'Stop' }));
    await waitFor(() => expect(log().querySelector('[data-status="cancelled"]')).not.toBeNull());
    expect(server.requests).toContain(`POST /api/projects/${projectId}/chat/turns/${newTurnId}/cancel`);
  });

  it('rewinds after confirmation, and refetches the turns', async () => {
    renderPanel();
    fireEvent.click(await screen.findByRole('button', { name: 'Rewind to before this' }));
    const dialog = screen.getByRole('dialog', { name: 'Rewind to before this turn?' });
    expect(dialog.textContent).toContain('restores the files to before this turn');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Rewind' }));
    await waitFor(() => expect(log().querySelectorAll('[data-status]')).toHaveLength(0));
    expect(server.requests).toContain(`POST /api/projects/${projectId}/chat/turns/${turnId}/rewind`);
    expect(openFile).not.toHaveBeenCalled();
  });

  it('starts a new chat from the button and the command, and refetches on reconnect', async () => {
    const { commands } = renderPanel();
    await within(log()).findByText('GET /health');
    fireEvent.click(screen.getByRole('button', { name: 'New chat' }));
    expect(screen.getByRole('heading', { name: 'New chat' })).toBeTruthy();
    expect(log().querySelectorAll('[data-status]')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Recent chats' }));
    fireEvent.click(screen.getByRole('menuitemradio', { name: /Add a health route/ }));
    await within(log()).findByText('GET /health');
    await act(() => commands.execute('vaporform.chat.new'));
    expect(screen.getByRole('heading', { name: 'New chat' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Recent chats' }));
    fireEvent.click(screen.getByRole('menuitemradio', { name: /Add a health route/ }));
    await within(log()).findByText('GET /health');
    const before = server.requests.length;
    act(() => socket.listener?.subscribed?.());
    await waitFor(() => expect(server.requests.length).toBeGreaterThan(before));
  });
});
