// @vitest-environment happy-dom
import { defaultPreferences, type ApiToken, type Session } from '@vaporform/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryKeys } from '../../platform/queryKeys';
import { makeUser } from '../../testing/fixtures';
import { cleanUpPage, renderPage } from '../../testing/renderPage';
import { json, stubApi, type ApiCall } from '../../testing/stubApi';
import { AccountMenu } from './AccountMenu';
import { AccountPage } from './AccountPage';

const me = makeUser({ email: 'ann@example.com', name: 'Ann Example' });
const session = (id: string, current: boolean): Session => ({
  id,
  createdAt: '2025-01-01T00:00:00.000Z',
  lastSeenAt: '2025-01-02T00:00:00.000Z',
  expiresAt: '2026-01-01T00:00:00.000Z',
  userAgent: current
    ? 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
    : 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  ip: '127.0.0.1',
  current,
});
const thisDevice = '00000000-0000-4000-8000-0000000000e1';
const otherDevice = '00000000-0000-4000-8000-0000000000e2';
const token: ApiToken = {
  id: '00000000-0000-4000-8000-0000000000f1',
  name: 'CI deploy',
  prefix: 'vf_abc123',
  createdAt: '2025-01-01T00:00:00.000Z',
  lastUsedAt: null,
  expiresAt: null,
};

let calls: ApiCall[];
let tokens: ApiToken[];

beforeEach(() => {
  tokens = [];
  calls = stubApi((route, body) => {
    if (route === 'GET /api/auth/preferences') return json(200, defaultPreferences);
    if (route === 'PUT /api/auth/preferences') return json(200, body);
    if (route === 'GET /api/auth/sessions')
      return json(200, [session(otherDevice, false), session(thisDevice, true)]);
    if (route === `DELETE /api/auth/sessions/${otherDevice}`) return new Response(null, { status: 204 });
    if (route === 'GET /api/auth/tokens') return json(200, tokens);
    if (route === 'POST /api/auth/tokens') {
      tokens = [token];
      return json(201, { token: 'vf_abc123_secret_value', apiToken: token });
    }
    if (route === 'POST /api/auth/logout') return new Response(null, { status: 204 });
    return json(404, { error: { code: 'not_found', message: route } });
  });
});

afterEach(cleanUpPage);

const setup = (ui: ReactNode) => renderPage(ui, { path: '/account', me });

describe('AccountPage', () => {
  it('marks this device and revokes another session', async () => {
    setup(<AccountPage />);
    const list = await screen.findByRole('list', { name: 'Sessions' });
    const rows = within(list).getAllByRole('listitem');
    expect(within(rows[0] as HTMLElement).getByText('This device')).toBeTruthy();
    expect(within(rows[0] as HTMLElement).getByText(/Firefox on Linux/)).toBeTruthy();
    fireEvent.click(
      within(rows[1] as HTMLElement).getByRole('button', { name: /Revoke session Chrome on Windows/ }),
    );
    await waitFor(() =>
      expect(calls.map((c) => c.route)).toContain(`DELETE /api/auth/sessions/${otherDevice}`),
    );
  });

  it('shows a new token once, with a copy button and a warning', async () => {
    setup(<AccountPage />);
    await screen.findByText('No tokens yet.');
    fireEvent.change(screen.getByLabelText('Token name'), { target: { value: 'CI deploy' } });
    fireEvent.change(screen.getByLabelText('Expires'), { target: { value: '90' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const value = await screen.findByLabelText('New API token');
    expect((value as HTMLInputElement).value).toBe('vf_abc123_secret_value');
    expect(screen.getByText(/only time it is shown/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy();
    expect(calls.find((c) => c.route === 'POST /api/auth/tokens')?.body).toEqual({
      name: 'CI deploy',
      expiresInDays: 90,
    });
    await screen.findByRole('button', { name: 'Revoke token CI deploy' });
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByLabelText('New API token')).toBeNull());
  });

  it('saves preferences to the account', async () => {
    setup(<AccountPage />);
    fireEvent.click(await screen.findByRole('radio', { name: 'Light' }));
    await waitFor(() =>
      expect(calls.find((c) => c.route === 'PUT /api/auth/preferences')?.body).toMatchObject({
        theme: 'light',
      }),
    );
    fireEvent.change(screen.getByLabelText('Editor font size'), { target: { value: '16' } });
    await waitFor(() =>
      expect(calls.filter((c) => c.route === 'PUT /api/auth/preferences').at(-1)?.body).toMatchObject({
        theme: 'light',
        editorFontSize: 16,
      }),
    );
  });

  it('checks the new password before sending it', () => {
    setup(<AccountPage />);
    fireEvent.change(screen.getByLabelText('Current password'), { target: { value: 'old password 1' } });
    fireEvent.change(screen.getByLabelText('New password'), { target: { value: 'short' } });
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(screen.getByText('Must be at least 10 characters')).toBeTruthy();
    expect(calls.some((c) => c.route === 'POST /api/auth/password')).toBe(false);
  });
});

describe('AccountMenu', () => {
  it('opens a menu with Account settings, the theme switch and Sign out', async () => {
    const { history, client } = setup(<AccountMenu />);
    const button = screen.getByRole('button', { name: 'Account menu for Ann Example' });
    expect(button.textContent).toContain('AE');
    fireEvent.click(button);
    const menu = screen.getByRole('menu');
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((item) => item.textContent),
    ).toEqual(['Account settings', 'Switch to light theme', 'Sign out']);
    expect(document.activeElement?.textContent).toBe('Account settings');
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('Switch to light theme');
    fireEvent.keyDown(menu, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);

    fireEvent.click(button);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Account settings' }));
    expect(history.at(-1)).toBe('/account');

    fireEvent.click(button);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Sign out' }));
    await waitFor(() => expect(history.at(-1)).toBe('/login'));
    expect(calls.map((c) => c.route)).toContain('POST /api/auth/logout');
    expect(client.getQueryData(queryKeys.me)).toBeNull();
  });
});
