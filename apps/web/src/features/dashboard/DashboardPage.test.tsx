// @vitest-environment happy-dom
import type { Project } from '@vaporform/contracts';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../../testing/FakeSocket';
import { makeContainer, makeProject, makeTemplate, makeUser } from '../../testing/fixtures';
import { cleanUpPage, renderPage } from '../../testing/renderPage';
import { json, stubApi, type ApiCall } from '../../testing/stubApi';
import { DashboardPage } from './DashboardPage';

const me = makeUser();
const mineId = '00000000-0000-4000-8000-0000000000a1';
const sharedId = '00000000-0000-4000-8000-0000000000b2';

const project = (id: string, name: string, ownerId: string, extra: Partial<Project> = {}): Project =>
  makeProject({ id, slug: name.toLowerCase(), name, ownerId, ...extra });
const templates = [makeTemplate({ description: 'x' })];

let projects: Project[];
let calls: ApiCall[];

beforeEach(() => {
  projects = [
    project(mineId, 'Alpha', me.id, { lastOpenedAt: new Date(Date.now() - 3 * 3600_000).toISOString() }),
    project(sharedId, 'Beta', '00000000-0000-4000-8000-000000000002', {
      permission: 'write',
      visibility: 'public',
    }),
  ];
  vi.stubGlobal('WebSocket', FakeSocket);
  calls = stubApi((route) => {
    if (route === 'GET /api/projects') return json(200, projects);
    if (route === 'GET /api/templates') return json(200, templates);
    if (route === `GET /api/projects/${mineId}/container`) return json(200, makeContainer(mineId, 'stopped'));
    if (route === `GET /api/projects/${sharedId}/container`) {
      return json(503, { error: { code: 'unavailable', message: 'No container runtime' } });
    }
    if (route === `DELETE /api/projects/${mineId}`) {
      projects = projects.filter((p) => p.id !== mineId);
      return new Response(null, { status: 204 });
    }
    return json(404, { error: { code: 'not_found', message: route } });
  });
});

afterEach(cleanUpPage);

const setup = () => renderPage(<DashboardPage />, { path: '/', me });

describe('DashboardPage', () => {
  it('splits my projects from shared ones with stack, visibility, status and last opened', async () => {
    setup();
    await screen.findByRole('link', { name: 'Alpha' });
    const mine = screen.getByRole('region', { name: /My projects/ });
    const shared = screen.getByRole('region', { name: /Shared with me/ });
    expect(await within(mine).findByRole('link', { name: 'Alpha' })).toHaveProperty('href');
    expect(within(shared).getByRole('link', { name: 'Beta' })).toBeTruthy();
    expect(within(mine).getByText('Opened 3 hours ago')).toBeTruthy();
    expect(within(shared).getByText('Never opened')).toBeTruthy();
    expect(await within(mine).findByText('Express · TypeScript')).toBeTruthy();
    expect(within(shared).getByText('Public')).toBeTruthy();
    expect(await within(mine).findByText('Stopped')).toBeTruthy();
    expect(await within(shared).findByText('No runtime')).toBeTruthy();
    // Only the owner deletes.
    expect(within(mine).getByRole('button', { name: 'Delete Alpha' })).toBeTruthy();
    expect(within(shared).queryByRole('button', { name: 'Delete Beta' })).toBeNull();
  });

  it('follows container.status events from the project socket', async () => {
    setup();
    await screen.findByRole('link', { name: 'Alpha' });
    const mine = screen.getByRole('region', { name: /My projects/ });
    await within(mine).findByText('Stopped');
    await waitFor(() =>
      expect(FakeSocket.last?.sent).toContainEqual({ type: 'subscribe', projectId: mineId }),
    );
    act(() =>
      FakeSocket.last?.push({
        type: 'event',
        projectId: mineId,
        name: 'container.status',
        payload: { projectId: mineId, status: 'running', message: null },
      }),
    );
    expect(await within(mine).findByText('Running')).toBeTruthy();
  });

  it('deletes a project once its name is typed', async () => {
    setup();
    fireEvent.click(await screen.findByRole('button', { name: 'Delete Alpha' }));
    const confirm = screen.getByRole('button', { name: 'Delete project' });
    expect(confirm).toHaveProperty('disabled', true);
    fireEvent.change(screen.getByLabelText('Type Alpha to confirm'), { target: { value: 'Alpha' } });
    expect(confirm).toHaveProperty('disabled', false);
    fireEvent.click(confirm);
    await waitFor(() => expect(calls.map((call) => call.route)).toContain(`DELETE /api/projects/${mineId}`));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Alpha' })).toBeNull());
  });

  it('invites the person to create a first project when there is none', async () => {
    projects = [];
    const { history } = setup();
    fireEvent.click(await screen.findByRole('button', { name: 'Create your first project' }));
    expect(history.at(-1)).toBe('/new');
    fireEvent.click(screen.getByRole('button', { name: 'New project' }));
    expect(history.at(-1)).toBe('/new');
  });

  it('offers a retry when the list fails', async () => {
    let fail = true;
    const realFetch = fetch;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: string, init?: RequestInit) => {
        if (input === '/api/projects' && fail) {
          return json(500, { error: { code: 'internal', message: 'Database is down' } });
        }
        return realFetch(input, init);
      }),
    );
    setup();
    expect((await screen.findByRole('alert')).textContent).toContain('Database is down');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('link', { name: 'Alpha' })).toBeTruthy();
  });
});
