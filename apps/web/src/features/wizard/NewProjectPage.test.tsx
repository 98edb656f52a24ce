// @vitest-environment happy-dom
import type { ContainerInfo, Project, TemplateSummary, User } from '@vaporform/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Route, Router, Switch } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { closeProjectSocket } from '../../platform/projectEvents';
import { queryKeys } from '../../platform/queryKeys';
import { ToastProvider } from '../../ui/Toasts';
import { NewProjectPage } from './NewProjectPage';

const me: User = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'me@example.com',
  name: 'Mia Me',
  role: 'user',
  createdAt: '2025-01-01T00:00:00.000Z',
};
const projectId = '00000000-0000-4000-8000-0000000000c3';
const templates: TemplateSummary[] = [
  {
    id: 'go-gin',
    name: 'Go + Gin',
    description: 'Gin web service',
    language: 'go',
    framework: 'Gin',
    stack: 'go',
    port: 8080,
    needsNetwork: true,
  },
  {
    id: 'node-express',
    name: 'Node + Express',
    description: 'Express app',
    language: 'typescript',
    framework: 'Express',
    stack: 'node',
    port: 3000,
    needsNetwork: false,
  },
];
const created: Project = {
  id: projectId,
  slug: 'shop',
  name: 'Shop',
  description: '',
  templateId: 'go-gin',
  visibility: 'private',
  ownerId: me.id,
  permission: 'admin',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  lastOpenedAt: null,
};
const info = (status: ContainerInfo['status'], message: string | null = null): ContainerInfo => ({
  projectId,
  status,
  message,
  runtime: 'docker',
  environment: 'template',
  image: null,
  appPort: 3000,
  address: null,
  startedAt: null,
  readyAt: null,
  stopReason: null,
  exitCode: null,
  restarts: 0,
  lastLogLines: status === 'crashed' ? ['Error: Cannot find module express'] : [],
  resources: { memoryBytes: 0, cpus: 0 },
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

class FakeSocket {
  static OPEN = 1;
  static last: FakeSocket | undefined;
  readyState = 0;
  sent: unknown[] = [];
  private listeners = new Map<string, ((event: unknown) => void)[]>();
  constructor(readonly url: string) {
    FakeSocket.last = this;
    setTimeout(() => {
      this.readyState = 1;
      for (const listener of this.listeners.get('open') ?? []) listener({});
    }, 0);
  }
  addEventListener(type: string, listener: (event: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {}
  push(message: unknown) {
    for (const listener of this.listeners.get('message') ?? []) listener({ data: JSON.stringify(message) });
  }
}

let containerAnswer: () => Response;
let posted: unknown;

beforeEach(() => {
  posted = undefined;
  containerAnswer = () => json(200, info('installing', 'Installing dependencies: npm install'));
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init?: RequestInit) => {
      const route = `${init?.method ?? 'GET'} ${input}`;
      if (route === 'GET /api/templates') return json(200, templates);
      if (route === 'POST /api/projects') {
        posted = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
        return json(201, created);
      }
      if (route === `GET /api/projects/${projectId}/container`) return containerAnswer();
      return json(404, { error: { code: 'not_found', message: route } });
    }),
  );
});

afterEach(() => {
  cleanup();
  closeProjectSocket();
  vi.unstubAllGlobals();
});

function setup() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(queryKeys.me, me);
  const location = memoryLocation({ path: '/new', record: true });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook} searchHook={location.searchHook}>
          <Switch>
            <Route path="/new">
              <NewProjectPage />
            </Route>
            <Route>IDE</Route>
          </Switch>
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { history: location.history ?? [] };
}

async function createShop() {
  fireEvent.click(await screen.findByRole('radio', { name: 'Go + Gin' }));
  fireEvent.change(screen.getByLabelText('Project name'), { target: { value: 'Shop' } });
  fireEvent.click(screen.getByRole('button', { name: 'Create project' }));
  await screen.findByRole('heading', { name: 'Setting up Shop' });
}

describe('NewProjectPage', () => {
  it('offers the templates as a radio group named by template, offline one chosen first', async () => {
    setup();
    const group = await screen.findByRole('radiogroup', { name: /Choose a template/ });
    expect(group).toBeTruthy();
    expect(screen.getByRole('radio', { name: 'Node + Express' })).toHaveProperty('checked', true);
    expect(screen.getByRole('radio', { name: 'Go + Gin' })).toHaveProperty('checked', false);
    expect(screen.getByText('Needs internet')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Project name'));
    expect(screen.queryByLabelText('Describe your app')).toBeNull();
  });

  it('checks the name and the slug as they are typed', async () => {
    setup();
    await screen.findByRole('radio', { name: 'Go + Gin' });
    fireEvent.change(screen.getByLabelText('Slug (optional)'), { target: { value: 'admin' } });
    expect(screen.getByText('The slug is reserved; choose another')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Create project' }));
    expect(screen.getByText('Name your project')).toBeTruthy();
    expect(posted).toBeUndefined();
  });

  it('creates the project, follows the container and opens the IDE when the app runs', async () => {
    const { history } = setup();
    await createShop();
    expect(posted).toEqual({ name: 'Shop', templateId: 'go-gin', visibility: 'private' });
    expect(await screen.findByText('Installing dependencies: npm install')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open the IDE now' }).getAttribute('href')).toBe(
      `/projects/${projectId}`,
    );
    await waitFor(() => expect(FakeSocket.last?.sent).toContainEqual({ type: 'subscribe', projectId }));
    containerAnswer = () => json(200, info('running'));
    act(() =>
      FakeSocket.last?.push({
        type: 'event',
        projectId,
        name: 'container.status',
        payload: { projectId, status: 'running', message: null },
      }),
    );
    await waitFor(() => expect(history.at(-1)).toBe(`/projects/${projectId}`), { timeout: 3000 });
    expect(history).not.toContain('/new');
  });

  it('goes straight on when the server has no container runtime', async () => {
    containerAnswer = () => json(503, { error: { code: 'unavailable', message: 'No container runtime' } });
    const { history } = setup();
    await createShop();
    await waitFor(() => expect(history.at(-1)).toBe(`/projects/${projectId}`), { timeout: 4000 });
  });

  it('shows the last log lines after a crash and still offers the IDE', async () => {
    containerAnswer = () => json(200, info('crashed', 'The app exited with code 1'));
    const { history } = setup();
    await createShop();
    expect(await screen.findByText('Error: Cannot find module express')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Shop did not start' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open the IDE anyway' })).toBeTruthy();
    expect(history.at(-1)).toBe('/new');
  });
});
