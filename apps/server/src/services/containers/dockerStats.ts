import type Docker from 'dockerode';
import type { ContainerStats } from './containerRuntime.js';

function finite(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * One `GET /containers/{id}/stats?stream=false` sample in the units `docker stats` shows: CPU as percent of
 * one core over the sample's interval, memory without reclaimable page cache (cgroup v1 reports it as
 * `total_inactive_file`, v2 as `inactive_file`). A stopped container reads as zeros.
 */
export function toContainerStats(raw: Docker.ContainerStats): ContainerStats {
  const cpuDelta =
    finite(raw.cpu_stats?.cpu_usage?.total_usage) - finite(raw.precpu_stats?.cpu_usage?.total_usage);
  const systemDelta = finite(raw.cpu_stats?.system_cpu_usage) - finite(raw.precpu_stats?.system_cpu_usage);
  const onlineCpus =
    finite(raw.cpu_stats?.online_cpus) || raw.cpu_stats?.cpu_usage?.percpu_usage?.length || 1;
  const cpuPercent = cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * onlineCpus * 100 : 0;

  const memory = raw.memory_stats ?? {};
  const details = (memory.stats ?? {}) as Record<string, number | undefined>;
  const cache = finite(details.total_inactive_file ?? details.inactive_file);
  const usage = finite(memory.usage);

  let rx = 0;
  let tx = 0;
  for (const network of Object.values(raw.networks ?? {})) {
    rx += finite(network.rx_bytes);
    tx += finite(network.tx_bytes);
  }
  return {
    at: typeof raw.read === 'string' ? raw.read : new Date().toISOString(),
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryBytes: Math.max(0, usage - (cache < usage ? cache : 0)),
    memoryLimitBytes: finite(memory.limit),
    networkRxBytes: rx,
    networkTxBytes: tx,
    pids: finite(raw.pids_stats?.current),
  };
}
