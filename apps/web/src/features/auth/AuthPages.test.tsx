// @vitest-environment happy-dom
import type { User } from '@vaporform/contracts';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Route, Switch } from 'wouter';
import { queryKeys } from '../../platform/queryKeys';
import { cleanUpPage, renderPage } from '../../testing/renderPage';
import { json, stubApi, type ApiCall } from '../../testing/stubApi';
import { LoginPage, SignupPage } from './AuthPages';

const user: User = {
  id: '5b0c7c4e-3f1a-4f8e-9d7a-0c1b2a3d4e5f',
  email: 'ann@example.com',
  name: 'Ann Example',
  role: 'user',
  createdAt: '2025-01-01T00:00:00.000Z',
};

const apiError = (
  status: number,
  code: string,
  message: string,
  issues?: { path: string; message: string }[],
) => json(status, { error: { code, message, ...(issues ? { issues } : {}) } });

type Handler = (body: unknown) => Response;
let routes: Record<string, Handler>;
let calls: ApiCall[];

beforeEach(() => {
  routes = { 'GET /api/auth/session': () => json(200, { user: null }) };
  calls = stubApi((route, body) => {
    const handler = routes[route];
    return handler ? handler(body) : apiError(404, 'not_found', `no route ${route}`);
  });
});

afterEach(cleanUpPage);

const setup = (ui: ReactNode, path: string) =>
  renderPage(
    <Switch>
      <Route path="/login">{ui}</Route>
      <Route path="/signup">{ui}</Route>
      <Route>elsewhere</Route>
    </Switch>,
    { path },
  );

const type = (label: string, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('LoginPage', () => {
  it('logs in, keeps the user without a refetch and goes to ?next=', async () => {
    routes['POST /api/auth/login'] = () => json(200, { user });
    const { client, history } = setup(<LoginPage />, '/login?next=%2Fprojects%2Fabc');
    type('Email', 'ann@example.com');
    type('Password', 'correct horse battery');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(history.at(-1)).toBe('/projects/abc'));
    expect(client.getQueryData(queryKeys.me)).toEqual(user);
    expect(calls.find((call) => call.route === 'POST /api/auth/login')?.body).toEqual({
      email: 'ann@example.com',
      password: 'correct horse battery',
    });
    expect(calls.filter((call) => call.route === 'GET /api/auth/session')).toHaveLength(1);
  });

  it('sends a signed-in person straight on', async () => {
    routes['GET /api/auth/session'] = () => json(200, { user });
    const { history } = setup(<LoginPage />, '/login?next=%2Fnew');
    await waitFor(() => expect(history.at(-1)).toBe('/new'));
  });

  it('ignores a ?next= that leaves the site', async () => {
    routes['POST /api/auth/login'] = () => json(200, { user });
    const { history } = setup(<LoginPage />, '/login?next=%2F%2Fevil.test');
    type('Email', 'ann@example.com');
    type('Password', 'x');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(history.at(-1)).toBe('/'));
  });

  it('says what the server said when the credentials are wrong', async () => {
    routes['POST /api/auth/login'] = () => apiError(401, 'unauthenticated', 'Email or password is incorrect');
    setup(<LoginPage />, '/login');
    type('Email', 'ann@example.com');
    type('Password', 'wrong');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'Email or password is incorrect');
  });

  it('checks the fields before sending and focuses the first problem', () => {
    setup(<LoginPage />, '/login');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(screen.getByText('Enter your email address')).toBeTruthy();
    expect(screen.getByText('Enter your password')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Email'));
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
    expect(calls.some((call) => call.route === 'POST /api/auth/login')).toBe(false);
  });
});

describe('SignupPage', () => {
  const fill = () => {
    type('Name', 'Ann Example');
    type('Email', 'ann@example.com');
    type('Password', 'a long enough password');
  };

  it('signs up and goes home', async () => {
    routes['POST /api/auth/signup'] = () => json(201, { user });
    const { client, history } = setup(<SignupPage />, '/signup');
    fill();
    fireEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    await waitFor(() => expect(history.at(-1)).toBe('/'));
    expect(client.getQueryData(queryKeys.me)).toEqual(user);
  });

  it('shows the server validation issues beside their fields', async () => {
    routes['POST /api/auth/signup'] = () =>
      apiError(400, 'validation_failed', 'Invalid request: body.name: too long', [
        { path: 'body.name', message: 'must be at most 100 characters' },
      ]);
    setup(<SignupPage />, '/signup');
    fill();
    fireEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    const message = await screen.findByText('Must be at most 100 characters');
    expect(screen.getByLabelText('Name').getAttribute('aria-describedby')).toContain(message.id);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says plainly that sign-up is closed', async () => {
    routes['POST /api/auth/signup'] = () =>
      apiError(403, 'forbidden', 'Sign-up is closed on this server; ask an administrator');
    setup(<SignupPage />, '/signup');
    fill();
    fireEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Sign-up is closed on this server.');
  });

  it('asks for an invite code on an invite-only server', async () => {
    routes['POST /api/auth/signup'] = () =>
      apiError(403, 'forbidden', 'Sign-up needs a valid invite for this email address');
    setup(<SignupPage />, '/signup');
    expect(screen.queryByLabelText('Invite code')).toBeNull();
    fill();
    fireEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    expect((await screen.findByRole('alert')).textContent).toContain('only accepts invited people');
    expect(screen.getByLabelText('Invite code')).toBeTruthy();
  });

  it('takes the invite code and the email from an invite link', async () => {
    routes['POST /api/auth/signup'] = () => json(201, { user });
    setup(<SignupPage />, '/signup?invite=abc123&email=ann%40example.com');
    expect(screen.getByLabelText<HTMLInputElement>('Invite code').value).toBe('abc123');
    expect(screen.getByLabelText<HTMLInputElement>('Email').value).toBe('ann@example.com');
    type('Name', 'Ann');
    type('Password', 'a long enough password');
    fireEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    await waitFor(() =>
      expect(calls.find((call) => call.route === 'POST /api/auth/signup')?.body).toMatchObject({
        inviteToken: 'abc123',
      }),
    );
  });
});
