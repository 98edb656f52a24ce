import type { Stack } from '@vaporform/contracts';
import type { ContainerResources } from './containerRuntime.js';

const mib = 1024 * 1024;

/** The template stacks plus Java, which the seed's ResourceManager sizes although no template uses it yet. */
export type ResourceStack = Stack | 'java';

/**
 * Per-stack sizes from the seed's ResourceManager (memory and CPU). The pids limits are ours: enough for a
 * dev server, a package manager and a compiler's threads (the JVM and the Go toolchain run many threads,
 * and every thread counts), small enough that a fork bomb stops quickly.
 */
export const defaultResourcePlans: Readonly<Record<ResourceStack, Readonly<ContainerResources>>> = {
  node: { memoryBytes: 512 * mib, cpus: 0.5, pidsLimit: 256 },
  python: { memoryBytes: 768 * mib, cpus: 0.6, pidsLimit: 256 },
  go: { memoryBytes: 256 * mib, cpus: 0.3, pidsLimit: 512 },
  java: { memoryBytes: 1024 * mib, cpus: 0.8, pidsLimit: 1024 },
};

/** Docker refuses less than 6 MiB; below a few dozen nothing useful starts. */
export const minimumMemoryBytes = 32 * mib;
export const minimumCpus = 0.05;

export interface ResourcePlanOptions {
  /** An admin's per-stack adjustments, applied over the defaults. */
  overrides?: Partial<Record<ResourceStack, Partial<ContainerResources>>>;
  /**
   * Under host load: multiplies memory and CPU (0 < factor ≤ 1), never below the minimums. The pids limit
   * is kept: shrinking it breaks builds without saving anything.
   */
  scale?: number;
}

/** The resources a new container of this stack gets. */
export function resourcesFor(stack: ResourceStack, options: ResourcePlanOptions = {}): ContainerResources {
  const plan = { ...defaultResourcePlans[stack], ...options.overrides?.[stack] };
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 1)) throw new RangeError(`scale must be in (0, 1], got ${scale}`);
  return {
    ...plan,
    memoryBytes: Math.max(minimumMemoryBytes, Math.floor((plan.memoryBytes * scale) / mib) * mib),
    cpus: Math.max(minimumCpus, Math.round(plan.cpus * scale * 100) / 100),
  };
}

/** Default tmpfs sizes: they are charged to the container's memory, so they follow its limit. */
export function scratchSizes(resources: ContainerResources): { tmpBytes: number; homeBytes: number } {
  return {
    tmpBytes: resources.tmpBytes ?? Math.min(256 * mib, Math.floor(resources.memoryBytes / 4)),
    homeBytes: resources.homeBytes ?? Math.min(512 * mib, Math.floor(resources.memoryBytes / 2)),
  };
}
