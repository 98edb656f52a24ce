// @vitest-environment happy-dom
import type { Project, ProjectSecret } from '@vaporform/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../../testing/FakeSocket';
import { makeProject, makeUser } from '../../testing/fixtures';
import { cleanUpPage, renderPage } from '../../testing/renderPage';
import { json, stubApi, type ApiCall } from '../../testing/stubApi';
import { ProjectSettingsPage } from './ProjectSettingsPage';

const me = makeUser({ email: 'ann@example.com', name: 'Ann Admin' });
const projectId = '00000000-0000-4000-8000-0000000000d5';
const secretsPath = `/api/projects/${projectId}/secrets`;
const typedValue = 'postgres://shop:hunter2@db/shop';

const secret = (name: string, environment: string | null, version = 1): ProjectSecret => ({
  name,
  environment,
  version,
  updatedAt: '2025-03-01T12:00:00.000Z',
  updatedBy: { id: me.id, name: me.name },
});

let calls: ApiCall[];
let permission: Project['permission'];
let secrets: ProjectSecret[];

beforeEach(() => {
  vi.stubGlobal('WebSocket', FakeSocket);
  secrets = [secret('STRIPE_KEY', 'production', 2), secret('API_TOKEN', null)];
  calls = stubApi((route, body) => {
    if (route === `GET /api/projects/${projectId}`)
      return json(200, makeProject({ id: projectId, name: 'Shop', ownerId: me.id, permission }));
    if (route === `GET /api/projects/${projectId}/members`) return json(200, []);
    if (route === `GET ${secretsPath}`) return json(200, secrets);
    const put = new RegExp(`^PUT ${secretsPath}/(\\w+)$`).exec(route);
    if (put?.[1]) {
      const { environment } = body as { environment?: string };
      const saved = secret(put[1], environment ?? null);
      secrets = [...secrets.filter((s) => s.name !== saved.name), saved];
      return json(201, saved);
    }
    if (route === `POST ${secretsPath}/import`) {
      const applied = (body as { confirm?: boolean }).confirm === true;
      return json(200, {
        path: '.env',
        applied,
        variables: [
          { name: 'STRIPE_KEY', line: 1, exists: true, selected: true },
          { name: 'MAIL_PASSWORD', line: 2, exists: false, selected: true },
        ],
        skipped: [],
        imported: applied ? ['STRIPE_KEY', 'MAIL_PASSWORD'] : [],
      });
    }
    const removed = new RegExp(`^DELETE ${secretsPath}/(\\w+)$`).exec(route);
    if (removed) {
      secrets = secrets.filter((s) => s.name !== removed[1]);
      return new Response(null, { status: 204 });
    }
    return json(404, { error: { code: 'not_found', message: route } });
  });
});

afterEach(cleanUpPage);

const setup = () =>
  renderPage(<ProjectSettingsPage projectId={projectId} />, { path: `/projects/${projectId}/settings`, me });
const secretsSection = async () =>
  (await screen.findByRole('heading', { name: 'Secrets' })).closest('section') as HTMLElement;

describe('project secrets', () => {
  it('imports .env after showing what it would move, and only then', async () => {
    permission = 'admin';
    setup();
    const section = await secretsSection();
    fireEvent.click(await within(section).findByRole('button', { name: 'Import .env' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('MAIL_PASSWORD')).toBeTruthy();
    expect(within(dialog).getByText(/replaces the existing secret/)).toBeTruthy();
    const imports = () => calls.filter((c) => c.route === `POST ${secretsPath}/import`).map((c) => c.body);
    expect(imports()).toEqual([{ confirm: false }]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import and remove from the file' }));
    await waitFor(() => expect(imports()).toEqual([{ confirm: false }, { confirm: true }]));
    expect(await screen.findByText(/Moved 2 values from \.env into secrets/)).toBeTruthy();
  });

  it('lets an admin add one with an environment, and delete one after confirming', async () => {
    permission = 'admin';
    setup();
    const section = await secretsSection();
    const list = await within(section).findByRole('list', { name: 'Project secrets' });
    // Sorted by name, each with its scope.
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((row) => row.querySelector('code')?.textContent),
    ).toEqual(['API_TOKEN', 'STRIPE_KEY']);
    expect(within(list).getByText('production')).toBeTruthy();
    expect(within(list).getByText('every environment')).toBeTruthy();
    expect(section.textContent).toMatch(/environment variables of the project’s container/);

    fireEvent.change(within(section).getByLabelText('Secret name'), { target: { value: 'DATABASE_URL' } });
    fireEvent.change(within(section).getByLabelText('Value'), { target: { value: typedValue } });
    fireEvent.change(within(section).getByLabelText('Environment'), { target: { value: 'production' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Add secret' }));
    await waitFor(() =>
      expect(calls.filter((c) => c.route.startsWith('PUT '))).toEqual([
        { route: `PUT ${secretsPath}/DATABASE_URL`, body: { value: typedValue, environment: 'production' } },
      ]),
    );
    await within(list).findByText('DATABASE_URL');
    await waitFor(() => expect(within(section).getByLabelText<HTMLInputElement>('Value').value).toBe(''));
    expect(document.body.innerHTML).not.toContain(typedValue);
    expect(screen.queryByDisplayValue(typedValue)).toBeNull();

    fireEvent.click(within(section).getByRole('button', { name: 'Delete secret STRIPE_KEY' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete secret' });
    expect(calls.some((c) => c.route.startsWith('DELETE '))).toBe(false);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete secret' }));
    await waitFor(() => expect(calls.map((c) => c.route)).toContain(`DELETE ${secretsPath}/STRIPE_KEY`));
    await waitFor(() => expect(within(list).queryByText('STRIPE_KEY')).toBeNull());
  });

  it('keeps the current scope when an admin replaces a value, unless it is changed', async () => {
    permission = 'admin';
    setup();
    fireEvent.click(await screen.findByRole('button', { name: 'Replace value of STRIPE_KEY' }));
    const dialog = screen.getByRole('dialog', { name: 'Replace STRIPE_KEY' });
    expect(within(dialog).getByLabelText<HTMLInputElement>('Environment').value).toBe('production');
    fireEvent.change(within(dialog).getByLabelText('Value'), { target: { value: 'sk_live_new' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replace value' }));
    await waitFor(() =>
      expect(calls.find((c) => c.route === `PUT ${secretsPath}/STRIPE_KEY`)?.body).toEqual({
        value: 'sk_live_new',
        environment: 'production',
      }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('refuses a malformed environment before sending', async () => {
    permission = 'admin';
    setup();
    const section = await secretsSection();
    fireEvent.change(within(section).getByLabelText('Secret name'), { target: { value: 'DATABASE_URL' } });
    fireEvent.change(within(section).getByLabelText('Value'), { target: { value: typedValue } });
    fireEvent.change(within(section).getByLabelText('Environment'), { target: { value: 'Production!' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Add secret' }));
    expect(within(section).getByText(/^Must be 1–32 lower-case letters, digits or dashes/)).toBeTruthy();
    expect(calls.some((c) => c.route.startsWith('PUT '))).toBe(false);
  });

  it('shows a write member the names but no controls', async () => {
    permission = 'write';
    setup();
    const section = await secretsSection();
    await within(section).findByText('STRIPE_KEY');
    expect(within(section).getByText(/Only project admins can add, replace or delete secrets/)).toBeTruthy();
    expect(within(section).queryByLabelText('Secret name')).toBeNull();
    expect(within(section).queryByLabelText('Value')).toBeNull();
    expect(within(section).queryByRole('button')).toBeNull();
  });

  it('hides the section from a read member and does not ask for the list', async () => {
    permission = 'read';
    setup();
    await screen.findByRole('heading', { name: 'Members' });
    expect(screen.queryByRole('heading', { name: 'Secrets' })).toBeNull();
    expect(calls.some((c) => c.route.includes('/secrets'))).toBe(false);
  });
});
