// @vitest-environment happy-dom
import type { Member, Project, User } from '@vaporform/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../../testing/FakeSocket';
import { makeProject, makeUser } from '../../testing/fixtures';
import { cleanUpPage, renderPage } from '../../testing/renderPage';
import { json, stubApi, type ApiCall } from '../../testing/stubApi';
import { ProjectSettingsPage } from './ProjectSettingsPage';

const owner = makeUser({ email: 'olga@example.com', name: 'Olga Owner' });
const writer: User = {
  ...owner,
  id: '00000000-0000-4000-8000-000000000002',
  email: 'will@example.com',
  name: 'Will Writer',
};
const projectId = '00000000-0000-4000-8000-0000000000d4';

const project = (permission: Project['permission']): Project =>
  makeProject({
    id: projectId,
    slug: 'shop',
    name: 'Shop',
    description: 'A shop',
    ownerId: owner.id,
    permission,
  });
const members: Member[] = [
  { userId: owner.id, email: owner.email, name: owner.name, permission: 'admin', isOwner: true },
  { userId: writer.id, email: writer.email, name: writer.name, permission: 'write', isOwner: false },
];

let calls: ApiCall[];
let permission: Project['permission'];

beforeEach(() => {
  vi.stubGlobal('WebSocket', FakeSocket);
  calls = stubApi((route, body) => {
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
  });
});

afterEach(cleanUpPage);

const setup = (me: User) =>
  renderPage(<ProjectSettingsPage projectId={projectId} />, { path: `/projects/${projectId}/settings`, me });

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
