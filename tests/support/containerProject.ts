import type { ServerOverrides } from '../../apps/server/src/server.js';
import { DockerRuntime } from '../../apps/server/src/services/containers/index.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/testDatabases.js';
import { startTestServer, type TestServer } from '../../apps/server/src/testing/testServer.js';
import { FakeAnthropicServer } from '../fakes/anthropicMessagesServer.js';

export interface ContainerProject {
  server: TestServer;
  /** The model provider the server's agent talks to. */
  fake: FakeAnthropicServer;
  /** `http://127.0.0.1:<port>`: the server listens, for terminal sockets and streamed responses. */
  base: string;
  owner: { token: string; userId: string };
  projectId: string;
  /** Deletes the project (and so its container), then closes the server and the fake. */
  close(): Promise<void>;
}

/**
 * A test server whose projects run in real Docker containers and whose agent answers from the fake
 * Anthropic API, with one python-flask project of a fresh owner; its container is not started yet.
 */
export async function startContainerProject(options: {
  ownerEmail: string;
  projectName: string;
  overrides?: ServerOverrides;
}): Promise<ContainerProject> {
  const fake = await FakeAnthropicServer.start();
  const server = await startTestServer(await testDatabaseKinds()[0]!.open(), {
    env: {
      VAPORFORM_AUTOSTART: 'false',
      VAPORFORM_IDLE_MINUTES: '0',
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'sk-test-key',
    },
    overrides: {
      containerRuntime: { runtime: new DockerRuntime(), kind: 'docker' },
      terminals: { graceMs: 5_000, sweepMs: 500 },
      ...options.overrides,
    },
  }).catch(async (error: unknown) => {
    await fake.close();
    throw error;
  });
  try {
    const base = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const owner = await server.userWithToken(options.ownerEmail);
    const created = await server.request({
      method: 'POST',
      url: '/api/projects',
      token: owner.token,
      body: { name: options.projectName, templateId: 'python-flask' },
    });
    const projectId = created.json<{ id: string }>().id;
    const close = async () => {
      await server.request({ method: 'DELETE', url: `/api/projects/${projectId}`, token: owner.token });
      await server.close();
      await fake.close();
    };
    return { server, fake, base, owner, projectId, close };
  } catch (error) {
    // Half set up: the suite gets nothing to close, so this closes what was opened.
    await server.close();
    await fake.close();
    throw error;
  }
}
