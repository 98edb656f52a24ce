import type { ContainerInfo } from '@vaporform/contracts';

/** A project with no runtime on this server (never started here, or no engine at all): nothing known yet. */
export function stoppedInfo(
  projectId: string,
  runtime: ContainerInfo['runtime'],
  appPort: number,
  message: string | null,
): ContainerInfo {
  return {
    projectId,
    status: 'stopped',
    message,
    runtime,
    environment: 'template',
    image: null,
    appPort,
    address: null,
    startedAt: null,
    readyAt: null,
    stopReason: null,
    exitCode: null,
    restarts: 0,
    lastLogLines: [],
    resources: { memoryBytes: 0, cpus: 0 },
    restartRequired: false,
  };
}
