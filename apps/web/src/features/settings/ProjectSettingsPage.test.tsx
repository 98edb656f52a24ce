// @vitest-environment happy-dom
import type { Member, Project, User } from '@vaporform/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { closeProjectSocket } from '../../platform/projectEvents';
import { queryKeys } from '../../platform/queryKeys';
import { ToastProvider } from '../../ui/Toasts';
import { ProjectSettingsPage } from './ProjectSettingsPage';

const owner: User = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'olga@example.com',
  name: 'Olga Owner',
  role: 'user',
  createdAt: '2025-01-01T00:00:00.000Z',
};
const writer: User = {
  ...owner,
  id: '00000000-0000-4000-8000-000000000002',
  email: 'will@example.com',
  name: 'Will Writer',
};
const projectId = '00000000-0000-4000-8000-0000000000d4';

const project = (permission: Project['permission']): Project => ({
  id: projectId,
  slug: 'shop',
  name: 'Shop',
  description: 'A shop',
  templateId: 'node-express',
  visibility: 'private',
  ownerId: owner.id,
  permission,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  lastOpenedAt: null,
});
const members: Member[] = [
  { userId: owner.id, email: owner.email, name: owner.name, permission: 'admin', isOwner: true },
  { userId: writer.id, email: writer.email, name: writer.name, permission: 'write', isOwner: false },
];

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

class FakeSocket {
  static OPEN = 1;
  readyState = 0;
  addEventListener() {}
  send() {}
  close() {}
}

let calls: { route: string; body: unknown }[];
let permission: Project['permission'];

beforeEach(() => {
  calls = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init?: RequestInit) => {
      const route = `${init?.method ?? 'GET'} ${input}`;
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      calls.push({ route, body });
      if (route === `GET /api/projects/${projectId}`) return json(200, project(permission));
      if (route === `GET /api/projects/${projectId}/members`) return json(200, members);
      if (route === `PATCH /api/projects/${projectId}`)
        return json(200, { ...project(permission), ...(body as object) });
      if (route === `PUT /api/projects/${projectId}/members/${writer.id}`) {
        return json(200, { ...members[1], ...(body as object) });
      }
      if (route === `DELETE /api/projects/${projectId}/members/${writer.id}`)
        return new Response(null, { status: 204 });
      return json(404, { error: { code: 'not_found', message: route } });
    }),
  );
});

afterEach(() => {
  cleanup();
  closeProjectSocket();
  vi.unstubAllGlobals();
});

function setup(me: User) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(queryKeys.me, me);
  const location = memoryLocation({ path: `/projects/${projectId}/settings`, record: true });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook} searchHook={location.searchHook}>
          <ProjectSettingsPage projectId={projectId} />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { history: location.history ?? [] };
}

describe('ProjectSettingsPage', () => {
  it('lets the owner edit everything, manage members and delete', async () => {
    permission = 'admin';
    setup(owner);
    const name = await screen.findByLabelText('Name');
    expect(screen.getByRole('link', { name: '← Back to the workbench' }).getAttribute('href')).toBe(
      `/projects/${projectId}`,
    );
    expect(screen.getByText(/changes the preview URL/)).toBeTruthy();
    const save = screen.getByRole('button', { name: 'Save changes' });
    expect(save).toHaveProperty('disabled', true);
    fireEvent.change(name, { target: { value: 'Store' } });
    fireEvent.change(screen.getByLabelText('Slug'), { target: { value: 'store' } });
    fireEvent.click(save);
    await waitFor(() =>
      expect(calls.find((call) => call.route === `PATCH /api/projects/${projectId}`)?.body).toEqual({
        name: 'Store',
        slug: 'store',
      }),
    );

    const list = await screen.findByRole('list', { name: 'Members' });
    const ownerRow = within(list).getByText('Olga Owner').closest('li') as HTMLElement;
    expect(within(ownerRow).getByText('Owner')).toBeTruthy();
    expect(within(ownerRow).queryByRole('button', { name: /Remove/ })).toBeNull();
    fireEvent.change(screen.getByLabelText('Permission for Will Writer'), { target: { value: 'execute' } });
    await waitFor(() =>
      expect(calls.find((call) => call.route.startsWith('PUT '))?.body).toEqual({ permission: 'execute' }),
    );
    expect(screen.getByRole('button', { name: 'Add member' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Transfer ownership…' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Delete this project…' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Leave project…' })).toBeNull();
  });

  it('shows a writer the general fields but not the admin ones, and lets them leave', async () => {
    permission = 'write';
    const { history } = setup(writer);
    expect(await screen.findByLabelText('Name')).toHaveProperty('disabled', false);
    expect(screen.getByLabelText('Slug')).toHaveProperty('disabled', true);
    expect(screen.queryByRole('button', { name: 'Add member' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete this project…' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Transfer ownership…' })).toBeNull();
    await screen.findByRole('list', { name: 'Members' });
    fireEvent.click(screen.getByRole('button', { name: 'Leave project…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Leave now' }));
    await waitFor(() => expect(history.at(-1)).toBe('/'));
    expect(
      calls.some((call) => call.route === `DELETE /api/projects/${projectId}/members/${writer.id}`),
    ).toBe(true);
  });
});
