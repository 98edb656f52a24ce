// @vitest-environment happy-dom
import type { ContainerInfo, Project } from '@vaporform/contracts';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../../testing/FakeSocket';
import { makeContainer, makeProject, makeUser } from '../../testing/fixtures';
import { cleanUpPage, renderPage } from '../../testing/renderPage';
import { json, stubApi, type ApiCall } from '../../testing/stubApi';
import { InfrastructureView } from './InfrastructureView';

const project = makeProject();
const containerPath = `/api/projects/${project.id}/container`;
let info: ContainerInfo;
let calls: ApiCall[];

beforeEach(() => {
  vi.stubGlobal('WebSocket', FakeSocket);
  calls = stubApi((route) => {
    if (route === `GET ${containerPath}`) return json(200, info);
    if (route === `POST ${containerPath}/restart`) {
      info = makeContainer(project.id, 'running');
      return json(202, info);
    }
    return json(404, { error: { code: 'not_found', message: route } });
  });
});

afterEach(cleanUpPage);

const setup = (permission: Project['permission']) =>
  renderPage(<InfrastructureView project={{ ...project, permission }} />, { path: '/', me: makeUser() });

describe('the infrastructure view', () => {
  it('says when changed secrets wait for a restart, and restarts on request', async () => {
    info = makeContainer(project.id, 'running', { restartRequired: true });
    setup('execute');
    expect(await screen.findByText(/secrets changed: restart the container/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Restart' }));
    await waitFor(() => expect(calls.map((call) => call.route)).toContain(`POST ${containerPath}/restart`));
  });

  it('says nothing of the kind when the container has the current secrets', async () => {
    info = makeContainer(project.id, 'running');
    setup('execute');
    await screen.findByRole('status', { name: 'Container status' });
    expect(screen.queryByText(/secrets changed/)).toBeNull();
  });
});
