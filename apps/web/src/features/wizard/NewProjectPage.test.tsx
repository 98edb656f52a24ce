// @vitest-environment happy-dom
import type { ContainerInfo } from '@vaporform/contracts';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Route, Switch } from 'wouter';
import { FakeSocket } from '../../testing/FakeSocket';
import { makeContainer, makeProject, makeTemplate, makeUser } from '../../testing/fixtures';
import { cleanUpPage, renderPage } from '../../testing/renderPage';
import { json, stubApi } from '../../testing/stubApi';
import { NewProjectPage } from './NewProjectPage';

const me = makeUser();
const projectId = '00000000-0000-4000-8000-0000000000c3';
const templates = [
  makeTemplate({
    id: 'go-gin',
    name: 'Go + Gin',
    description: 'Gin web service',
    language: 'go',
    framework: 'Gin',
    stack: 'go',
    port: 8080,
    needsNetwork: true,
  }),
  makeTemplate(),
];
const created = makeProject({
  id: projectId,
  slug: 'shop',
  name: 'Shop',
  templateId: 'go-gin',
  ownerId: me.id,
});
const info = (status: ContainerInfo['status'], message: string | null = null): ContainerInfo =>
  makeContainer(projectId, status, {
    message,
    lastLogLines: status === 'crashed' ? ['Error: Cannot find module express'] : [],
  });

let containerAnswer: () => Response;
let posted: unknown;
let agentAvailable = false;
let asked: unknown;

beforeEach(() => {
  posted = undefined;
  agentAvailable = false;
  asked = undefined;
  containerAnswer = () => json(200, info('installing', 'Installing dependencies: npm install'));
  vi.stubGlobal('WebSocket', FakeSocket);
  stubApi((route, body) => {
    if (route === 'GET /api/templates') return json(200, templates);
    if (route === 'POST /api/projects') {
      posted = body;
      return json(201, created);
    }
    if (route === `GET /api/projects/${projectId}/container`) return containerAnswer();
    if (route === 'GET /api/agent/status') {
      return json(200, {
        available: agentAvailable,
        provider: null,
        model: null,
        hint: agentAvailable ? null : 'Set a key',
      });
    }
    if (route === `POST /api/projects/${projectId}/chat`) {
      asked = body;
      return json(202, { turnId: projectId, threadId: projectId });
    }
    return json(404, { error: { code: 'not_found', message: route } });
  });
});

afterEach(cleanUpPage);

function setup() {
  return renderPage(
    <Switch>
      <Route path="/new">
        <NewProjectPage />
      </Route>
      <Route>IDE</Route>
    </Switch>,
    { path: '/new', me },
  );
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

  it('asks the agent to build a described app, and opens the IDE with the chat showing', async () => {
    agentAvailable = true;
    setup();
    fireEvent.click(await screen.findByRole('radio', { name: 'Go + Gin' }));
    fireEvent.change(screen.getByLabelText('Project name'), { target: { value: 'Shop' } });
    fireEvent.change(await screen.findByLabelText('Describe your app'), {
      target: { value: 'A tiny shop with a cart' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Create project' }));
    await screen.findByRole('heading', { name: 'Setting up Shop' });
    expect(asked).toEqual({
      message: expect.stringMatching(/Go \+ Gin template[\s\S]*A tiny shop with a cart$/),
    });
    expect(screen.getByRole('link', { name: 'Open the IDE now' }).getAttribute('href')).toBe(
      `/projects/${projectId}?aside=chat`,
    );
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
