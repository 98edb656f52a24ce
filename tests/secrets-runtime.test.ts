import { randomUUID } from 'node:crypto';
import type { ContainerInfo, VaporformEvents } from '@vaporform/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DockerRuntime, stackImageTag } from '../apps/server/src/services/containers/index.js';
import {
  describeWithDocker,
  runtimeImagesUnavailableReason,
} from '../apps/server/src/testing/dockerAvailability.js';
import type { TestServer } from '../apps/server/src/testing/testServer.js';
import { reply, text, toolUse, type FakeAnthropicServer } from './fakes/anthropicMessagesServer.js';
import { startTurn, waitForTurn } from './support/agentTurns.js';
import { startContainerProject, type ContainerProject } from './support/containerProject.js';
import { TerminalClient } from './support/terminalClient.js';

const unavailable = await runtimeImagesUnavailableReason([stackImageTag('python')]);

/**
 * Project secrets in a real container: injected as environment variables on create (under the platform's own),
 * `restartRequired` after a change until a restart applies it, and masked wherever output leaves the project:
 * agent tools (through the real model SDK against the fake), the container log API and the terminal replay.
 */
describeWithDocker(unavailable, 'project secrets in the running container', () => {
  let project: ContainerProject | undefined;
  let server: TestServer;
  let fake: FakeAnthropicServer;
  let raw: DockerRuntime;
  let base: string;
  let owner: { token: string; userId: string };
  let projectId: string;
  const token = `tok-${randomUUID()}`;
  const rotated = `tok-${randomUUID()}`;
  const statusEvents: VaporformEvents['container.status'][] = [];

  const api = (method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown) =>
    server.request({ method, url: `/api/projects/${projectId}${url}`, token: owner.token, body });
  const setSecret = (name: string, value: string) => api('PUT', `/secrets/${name}`, { value });
  const info = async () => (await api('GET', '/container')).json<ContainerInfo>();
  /** The container's own view, bypassing the service's masking. */
  async function printenv(name: string): Promise<string> {
    const container = await raw.findByProject(projectId);
    const result = await raw.exec(container!.id, ['printenv', name]);
    return result.stdout.trim();
  }
  async function logLine(line: string): Promise<void> {
    const container = await raw.findByProject(projectId);
    const process = await raw.startProcess(container!.id, ['sh', '-c', `echo "${line}"`]);
    await process.exited;
  }

  beforeAll(async () => {
    raw = new DockerRuntime();
    project = await startContainerProject({
      ownerEmail: 'secrets-runtime@example.com',
      projectName: 'Secret runtime',
    });
    ({ server, fake, base, owner, projectId } = project);
    server.events.subscribe('container.status', (event) => void statusEvents.push(event));
    expect((await setSecret('API_TOKEN', token)).statusCode).toBe(201);
    // Names the platform sets itself: they stay the platform's.
    await setSecret('PORT', '1234');
    await setSecret('HOME', '/nowhere');
    const started = await api('POST', '/container/start?wait=true');
    expect(started.json<ContainerInfo>()).toMatchObject({ status: 'running', restartRequired: false });
  }, 180_000);

  afterAll(async () => {
    await project?.close();
    await raw?.dispose();
  }, 60_000);

  it('injects the secrets as environment variables, under the platform’s own, and in no label', async () => {
    expect(await printenv('API_TOKEN')).toBe(token);
    expect(await printenv('PORT')).toBe('8000');
    expect(await printenv('HOME')).toBe('/home/vaporform');
    const container = await raw.findByProject(projectId);
    expect(JSON.stringify(container!.labels)).not.toContain(token);
    // The service's own exec (the agent's commands and checks) hands the output back masked.
    const viaService = await server.containers.exec(projectId, owner.userId, ['printenv', 'API_TOKEN']);
    expect(viaService.stdout.trim()).toBe('[secret:API_TOKEN]');
  });

  it('masks the secret in the agent’s run_command, read_file, search and read_logs results', async () => {
    const written = await server.app.inject({
      method: 'PUT',
      url: `/api/projects/${projectId}/files/notes.txt`,
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/octet-stream' },
      payload: `token=${token}\n`,
    });
    expect(written.statusCode).toBeLessThan(300);
    await logLine(`app log: using ${token}`);
    fake.script([
      reply([
        toolUse('run_command', { command: 'echo "env=$API_TOKEN"; cat notes.txt' }),
        toolUse('read_file', { path: 'notes.txt' }),
        toolUse('search', { pattern: 'token=' }),
        toolUse('read_logs', { lines: 50 }),
      ]),
      reply([text('Done.')]),
    ]);
    const { turnId } = await startTurn(server, projectId, owner.token, 'Show me the token');
    // The tools run real commands in the container: more time than the default.
    const turn = await waitForTurn(server, projectId, turnId, owner.token, undefined, 20_000);
    expect(turn.status, turn.error ?? '').toBe('done');
    const outputs = Object.fromEntries(turn.toolCalls.map((call) => [call.name, call.output ?? '']));
    expect(outputs.run_command).toContain('env=[secret:API_TOKEN]');
    expect(outputs.run_command).toContain('token=[secret:API_TOKEN]');
    expect(outputs.read_file).toContain('token=[secret:API_TOKEN]');
    expect(outputs.search).toContain('token=[secret:API_TOKEN]');
    expect(outputs.read_logs).toContain('app log: using [secret:API_TOKEN]');
    // Neither the chat nor the model provider ever got the value.
    expect(JSON.stringify(turn)).not.toContain(token);
    expect(JSON.stringify(fake.requests.map((request) => request.body))).not.toContain(token);
  });

  it('masks the container log, listed and followed', async () => {
    await logLine(`listed: ${token}`);
    const listed = await api('GET', '/container/logs?tail=100');
    expect(listed.body).toContain('listed: [secret:API_TOKEN]');
    expect(listed.body).not.toContain(token);

    const controller = new AbortController();
    const response = await fetch(`${base}/api/projects/${projectId}/container/logs?follow=true&tail=0`, {
      headers: { authorization: `Bearer ${owner.token}` },
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await logLine(`followed: ${token}`);
    let body = '';
    while (!body.includes('followed:')) {
      const { value, done } = await reader.read();
      if (done) break;
      body += Buffer.from(value).toString('utf8');
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(body).toContain('followed: [secret:API_TOKEN]');
    expect(body).not.toContain(token);
  });

  it('replays a terminal’s scrollback masked after a reconnect (the live stream stays the user’s own)', async () => {
    const connect = () => TerminalClient.connect(base, projectId, 'masked', owner.token);
    const first = connect();
    await first.opened;
    first.socket.send(Buffer.from('echo "v=$API_TOKEN"\n'), { binary: true });
    await first.until(() => first.output.includes(`v=${token}`), 'live output');
    first.socket.terminate();
    await first.closed;

    const second = connect();
    await second.opened;
    await second.until(() => second.ready, 'ready message');
    expect(second.output).toContain('v=[secret:API_TOKEN]');
    expect(second.output).not.toContain(token);
    second.socket.close();
    await second.closed;
  });

  it('flags the running container after a change, until a restart applies the new value', async () => {
    statusEvents.length = 0;
    expect((await setSecret('API_TOKEN', rotated)).statusCode).toBe(200);
    for (let attempt = 0; attempt < 100 && (await info()).restartRequired !== true; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await info()).toMatchObject({ status: 'running', restartRequired: true });
    expect(statusEvents).toContainEqual({
      projectId,
      status: 'running',
      message: null,
      restartRequired: true,
    });
    expect(await printenv('API_TOKEN')).toBe(token);

    const restarted = await api('POST', '/container/restart?wait=true');
    expect(restarted.json<ContainerInfo>()).toMatchObject({ status: 'running', restartRequired: false });
    expect(await printenv('API_TOKEN')).toBe(rotated);
    expect((await server.containers.exec(projectId, owner.userId, ['printenv', 'API_TOKEN'])).stdout).toBe(
      '[secret:API_TOKEN]\n',
    );
  }, 120_000);
});
