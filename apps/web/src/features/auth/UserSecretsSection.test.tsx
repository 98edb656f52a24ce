// @vitest-environment happy-dom
import type { UserSecret } from '@vaporform/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeUser } from '../../testing/fixtures';
import { cleanUpPage, renderPage } from '../../testing/renderPage';
import { json, stubApi, type ApiCall } from '../../testing/stubApi';
import { UserSecretsSection } from './UserSecretsSection';

const secret = (name: string, version = 1): UserSecret => ({
  name,
  version,
  updatedAt: '2025-03-01T12:00:00.000Z',
});
const typedValue = 'sk-ant-typed-by-ann';

let calls: ApiCall[];
let secrets: UserSecret[];

beforeEach(() => {
  secrets = [secret('ANTHROPIC_API_KEY', 3)];
  calls = stubApi((route) => {
    // A server that wrongly sent values along: the page must still show none.
    if (route === 'GET /api/auth/secrets')
      return json(
        200,
        secrets.map((s) => ({ ...s, value: `leaked-${s.name}` })),
      );
    const put = /^PUT \/api\/auth\/secrets\/(\w+)$/.exec(route);
    if (put?.[1]) {
      const name = put[1];
      const before = secrets.find((s) => s.name === name);
      const saved = secret(name, (before?.version ?? 0) + 1);
      secrets = [...secrets.filter((s) => s.name !== name), saved];
      return json(before ? 200 : 201, saved);
    }
    const removed = /^DELETE \/api\/auth\/secrets\/(\w+)$/.exec(route);
    if (removed) {
      secrets = secrets.filter((s) => s.name !== removed[1]);
      return new Response(null, { status: 204 });
    }
    return json(404, { error: { code: 'not_found', message: route } });
  });
});

afterEach(cleanUpPage);

const setup = () => renderPage(<UserSecretsSection />, { path: '/account', me: makeUser() });
const putCalls = () => calls.filter((c) => c.route.startsWith('PUT '));

describe('UserSecretsSection', () => {
  it('lists names with version and date, and offers only the model key not yet set', async () => {
    setup();
    const list = await screen.findByRole('list', { name: 'Secrets' });
    const row = within(list).getByText('ANTHROPIC_API_KEY').closest('li') as HTMLElement;
    expect(row.textContent).toMatch(/updated .*2025.* · version 3/);
    expect(within(row).getByRole('button', { name: 'Replace value of ANTHROPIC_API_KEY' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'OPENAI_API_KEY' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'ANTHROPIC_API_KEY' })).toBeNull();
    expect(document.body.textContent).not.toContain('leaked');
    expect(document.body.innerHTML).not.toContain('leaked');
  });

  it('adds a secret with only its value in the body, clears the value and refreshes the list', async () => {
    setup();
    await screen.findByRole('list', { name: 'Secrets' });
    fireEvent.click(screen.getByRole('button', { name: 'OPENAI_API_KEY' }));
    expect(screen.getByLabelText<HTMLInputElement>('Secret name').value).toBe('OPENAI_API_KEY');
    const value = screen.getByLabelText<HTMLInputElement>('Value');
    expect(value.type).toBe('password');
    expect(value.getAttribute('autocomplete')).toBe('off');
    fireEvent.change(value, { target: { value: typedValue } });
    fireEvent.click(screen.getByRole('button', { name: 'Show value' }));
    expect(value.type).toBe('text');
    fireEvent.click(screen.getByRole('button', { name: 'Add secret' }));

    await waitFor(() => expect(putCalls()).toHaveLength(1));
    expect(putCalls()[0]).toEqual({
      route: 'PUT /api/auth/secrets/OPENAI_API_KEY',
      body: { value: typedValue },
    });
    const list = screen.getByRole('list', { name: 'Secrets' });
    await within(list).findByText('OPENAI_API_KEY');
    expect(calls.filter((c) => c.route === 'GET /api/auth/secrets').length).toBeGreaterThan(1);
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>('Value').value).toBe(''));
    // Masked again, and the name is free for the next secret.
    expect(screen.getByLabelText<HTMLInputElement>('Value').type).toBe('password');
    expect(screen.getByLabelText<HTMLInputElement>('Secret name').value).toBe('');
    expect(await screen.findByText('Secret OPENAI_API_KEY saved.')).toBeTruthy();
    expect(document.body.innerHTML).not.toContain(typedValue);
    expect(screen.queryByDisplayValue(typedValue)).toBeNull();
  });

  it('refuses an invalid name with the contract message, without a request', async () => {
    setup();
    await screen.findByRole('list', { name: 'Secrets' });
    fireEvent.change(screen.getByLabelText('Secret name'), { target: { value: 'my key' } });
    fireEvent.change(screen.getByLabelText('Value'), { target: { value: typedValue } });
    fireEvent.click(screen.getByRole('button', { name: 'Add secret' }));
    expect(screen.getByText(/^Must be 1–128 upper-case letters, digits or underscores/)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Secret name'));
    expect(putCalls()).toHaveLength(0);
  });

  it('shows a server refusal beside the form and keeps the value for another try', async () => {
    calls = stubApi((route) => {
      if (route === 'GET /api/auth/secrets') return json(200, []);
      return json(409, { error: { code: 'conflict', message: 'You already have 100 secrets' } });
    });
    setup();
    await screen.findByText('No secrets yet.');
    fireEvent.change(screen.getByLabelText('Secret name'), { target: { value: 'GITHUB_TOKEN' } });
    fireEvent.change(screen.getByLabelText('Value'), { target: { value: typedValue } });
    fireEvent.click(screen.getByRole('button', { name: 'Add secret' }));
    expect((await screen.findByRole('alert')).textContent).toContain('You already have 100 secrets');
    expect(screen.getByLabelText<HTMLInputElement>('Value').value).toBe(typedValue);
  });

  it('replaces a value in a dialog with the name fixed', async () => {
    setup();
    await screen.findByRole('list', { name: 'Secrets' });
    fireEvent.click(screen.getByRole('button', { name: 'Replace value of ANTHROPIC_API_KEY' }));
    const dialog = screen.getByRole('dialog', { name: 'Replace ANTHROPIC_API_KEY' });
    expect(within(dialog).queryByLabelText('Secret name')).toBeNull();
    fireEvent.change(within(dialog).getByLabelText('Value'), { target: { value: 'sk-ant-new' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replace value' }));
    await waitFor(() =>
      expect(putCalls()).toEqual([
        { route: 'PUT /api/auth/secrets/ANTHROPIC_API_KEY', body: { value: 'sk-ant-new' } },
      ]),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByText(/version 4/)).toBeTruthy();
  });

  it('asks before deleting, then sends DELETE', async () => {
    setup();
    await screen.findByRole('list', { name: 'Secrets' });
    fireEvent.click(screen.getByRole('button', { name: 'Delete secret ANTHROPIC_API_KEY' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete secret' });
    expect(calls.some((c) => c.route.startsWith('DELETE '))).toBe(false);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete secret' }));
    await waitFor(() =>
      expect(calls.map((c) => c.route)).toContain('DELETE /api/auth/secrets/ANTHROPIC_API_KEY'),
    );
    expect(await screen.findByText('No secrets yet.')).toBeTruthy();
  });
});
