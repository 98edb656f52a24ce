import type { ContainerInfo, VaporformEvents } from '@vaporform/contracts';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../platform/events/InProcessEventBus.js';
import { secretMask } from '../secrets/index.js';
import type { LogLine, LogStream } from './containerRuntime.js';
import { ContainerSecrets, type SecretSource } from './containerSecrets.js';
import { stoppedInfo } from './stoppedInfo.js';

const projectId = '3f0e8a5e-4a43-4c55-9b4e-2f7f6a9c0d11';

function source(values: Record<string, string>, asked: (string | undefined)[] = []): SecretSource {
  return {
    projectEnvironment: async (_projectId, environment) => {
      asked.push(environment);
      return values;
    },
    masker: async () => secretMask(values),
  };
}

function running(): ContainerInfo {
  return {
    ...stoppedInfo(projectId, 'docker', 3000, null),
    status: 'running',
    lastLogLines: ['boot', 'token=tok-abcdef'],
  };
}

function logStream(lines: string[]): LogStream {
  return {
    dispose: () => undefined,
    async *[Symbol.asyncIterator](): AsyncIterator<LogLine> {
      for (const text of lines) yield { stream: 'stdout', text, time: '' };
    },
  };
}

describe('ContainerSecrets', () => {
  const logger = pino({ level: 'silent' });

  it('injects secrets under every variable the platform sets, asking for the development ones', async () => {
    const asked: (string | undefined)[] = [];
    const secrets = new ContainerSecrets(
      source(
        {
          API_TOKEN: 'tok-abcdef',
          PORT: '1',
          HOME: '/root',
          PATH: '/evil',
          NODE_ENV: 'production',
          VAPORFORM_EXEC_ID: 'x',
        },
        asked,
      ),
      { events: new InProcessEventBus(), logger },
    );
    const env = await secrets.environment(projectId, { PORT: '3000', NODE_ENV: 'development' });
    expect(env).toEqual({ API_TOKEN: 'tok-abcdef', PORT: '3000', NODE_ENV: 'development' });
    expect(asked).toEqual(['development']);
  });

  it('marks a running container until its environment is read again, and says so on the bus', async () => {
    const events = new InProcessEventBus();
    const published: VaporformEvents['container.status'][] = [];
    events.subscribe('container.status', (payload) => void published.push(payload));
    const secrets = new ContainerSecrets(source({ API_TOKEN: 'tok-abcdef' }), { events, logger });

    await secrets.changed(stoppedInfo(projectId, 'docker', 3000, null));
    await secrets.changed(null);
    expect(published).toEqual([]);

    await secrets.changed(running());
    expect(published).toEqual([{ projectId, status: 'running', message: null, restartRequired: true }]);
    expect((await secrets.describe(running())).restartRequired).toBe(true);
    // Stopped, there is nothing to restart: the next start reads the secrets anyway.
    expect((await secrets.describe({ ...running(), status: 'stopped' })).restartRequired).toBe(false);
    await secrets.environment(projectId, {});
    expect((await secrets.describe(running())).restartRequired).toBe(false);
  });

  it('masks what comes back out: last log lines, exec output and log streams', async () => {
    const secrets = new ContainerSecrets(source({ API_TOKEN: 'tok-abcdef' }), {
      events: new InProcessEventBus(),
      logger,
    });
    expect((await secrets.describe(running())).lastLogLines).toEqual(['boot', 'token=[secret:API_TOKEN]']);
    const result = await secrets.maskExec(projectId, {
      exitCode: 0,
      stdout: 'tok-abcdef\n',
      stderr: 'err tok-abcdef',
      timedOut: false,
      truncated: false,
    });
    expect([result.stdout, result.stderr]).toEqual(['[secret:API_TOKEN]\n', 'err [secret:API_TOKEN]']);
    const lines: string[] = [];
    for await (const line of secrets.maskLogs(projectId, logStream(['a tok-abcdef', 'b'])))
      lines.push(line.text);
    expect(lines).toEqual(['a [secret:API_TOKEN]', 'b']);
  });

  it('changes nothing without a secrets source', async () => {
    const secrets = new ContainerSecrets(undefined, { events: new InProcessEventBus(), logger });
    expect(await secrets.environment(projectId, { PORT: '3000' })).toEqual({ PORT: '3000' });
    const stream = logStream(['tok-abcdef']);
    expect(secrets.maskLogs(projectId, stream)).toBe(stream);
  });
});
