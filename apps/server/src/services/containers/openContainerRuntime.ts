import type { ContainerInfo } from '@vaporform/contracts';
import type { ContainerRuntime } from './containerRuntime.js';
import { DockerRuntime } from './dockerRuntime.js';

export interface OpenedRuntime {
  runtime: ContainerRuntime | null;
  kind: ContainerInfo['runtime'];
  /** Why there is no runtime, or what is weaker about this one; for the status message and the log. */
  note?: string;
}

/**
 * `VAPORFORM_RUNTIME`: `docker` always uses Docker (calls fail with `unavailable` while it is down);
 * `auto` uses Docker when its socket answers and the local driver otherwise; `local` is the local driver.
 * The local driver is loaded on demand: a Docker host never needs it.
 */
export async function openContainerRuntime(
  choice: 'auto' | 'docker' | 'local' | 'kubernetes',
): Promise<OpenedRuntime> {
  if (choice === 'kubernetes') {
    return {
      runtime: null,
      kind: 'docker',
      note: 'VAPORFORM_RUNTIME=kubernetes is not available in this version; use docker or local',
    };
  }
  if (choice !== 'local') {
    const docker = new DockerRuntime();
    if (choice === 'docker') return { runtime: docker, kind: 'docker' };
    try {
      await docker.ping();
      return { runtime: docker, kind: 'docker' };
    } catch {
      await docker.dispose();
    }
  }
  const { LocalRuntime } = await import('./localRuntime.js');
  const local = new LocalRuntime();
  return {
    runtime: local,
    kind: 'local',
    note: `No Docker engine answered: projects run as processes on this machine${
      local.sandboxed ? ' inside bubblewrap' : ' without isolation'
    }, for the instance owner only`,
  };
}
