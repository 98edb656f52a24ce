import { z } from 'zod';
import { IdSchema } from './common.js';

/**
 * Where a project's runtime is: `stopped` (never started, stopped by a user or hibernated when idle) →
 * `creating` (image, container) → `installing` (the dependency manifest changed) → `starting` (dev command
 * runs, app port not answering yet) → `running`; `crashed` when the app or the install failed.
 */
export const ContainerPhaseSchema = z.enum([
  'stopped',
  'creating',
  'installing',
  'starting',
  'running',
  'crashed',
]);
export type ContainerPhase = z.infer<typeof ContainerPhaseSchema>;

export const StopReasonSchema = z.enum(['user', 'idle', 'crashed', 'removed', 'shutdown']);
export type StopReason = z.infer<typeof StopReasonSchema>;

export const ContainerInfoSchema = z.object({
  projectId: IdSchema,
  status: ContainerPhaseSchema,
  /** What is happening now, for people ("Installing dependencies: npm install"); null when nothing to say. */
  message: z.string().nullable(),
  /** `docker`, or `local` (no container engine: processes on the host, single-user). */
  runtime: z.enum(['docker', 'local']),
  /** Where the environment comes from: the template, `.devcontainer/devcontainer.json` or a `Dockerfile`. */
  environment: z.enum(['template', 'devcontainer', 'dockerfile']),
  image: z.string().nullable(),
  appPort: z.number().int(),
  /** The app's published address on the server's loopback, while the container runs. */
  address: z.object({ host: z.string(), port: z.number().int() }).nullable(),
  startedAt: z.string().nullable(),
  /** When the app first answered since the last start. */
  readyAt: z.string().nullable(),
  stopReason: StopReasonSchema.nullable(),
  /** The app's (or the install's) last exit code, when it ended by itself. */
  exitCode: z.number().int().nullable(),
  /** Automatic restarts after crashes since the last start by a user. */
  restarts: z.number().int(),
  /** The last lines logged before a crash, to show without opening the logs. */
  lastLogLines: z.array(z.string()),
  resources: z.object({ memoryBytes: z.number().int(), cpus: z.number() }),
  /**
   * A project secret changed while the container ran: it still has the old values until the next start or
   * restart (the IDE offers "Restart to apply"). Absent from servers that predate it: read as false.
   */
  restartRequired: z.boolean().optional(),
});
export type ContainerInfo = z.infer<typeof ContainerInfoSchema>;

export const ContainerStartQuerySchema = z.strictObject({
  /** Answer only once the app runs or the start failed (at most `timeoutSeconds`). */
  wait: z.enum(['true', 'false', '1', '0']).optional(),
  timeoutSeconds: z.coerce.number().int().min(1).max(600).optional(),
});

export const ContainerLogsQuerySchema = z.strictObject({
  /** The last N lines (default 200). */
  tail: z.coerce.number().int().min(0).max(10_000).optional(),
  /** Keep the response open and stream new lines as NDJSON. */
  follow: z.enum(['true', 'false', '1', '0']).optional(),
  /** Only lines logged at or after this time (ISO 8601). */
  since: z.iso.datetime({ offset: true }).optional(),
});

export const ContainerLogLineSchema = z.object({
  stream: z.enum(['stdout', 'stderr']),
  text: z.string(),
  time: z.string(),
});
export type ContainerLogLine = z.infer<typeof ContainerLogLineSchema>;
export const ContainerLogListSchema = z.array(ContainerLogLineSchema);

export const ResourceStackSchema = z.enum(['node', 'python', 'go', 'java']);
export const ContainerResourcesSchema = z.object({
  memoryBytes: z.number().int(),
  cpus: z.number(),
  pidsLimit: z.number().int(),
});
/** Per stack: what new containers get (defaults with an admin's adjustments). */
export const ResourcePlanListSchema = z.record(ResourceStackSchema, ContainerResourcesSchema);
export const ResourceAdjustmentBodySchema = z.strictObject({
  memoryBytes: z
    .number()
    .int()
    .min(32 * 1024 * 1024)
    .max(64 * 1024 * 1024 * 1024)
    .nullish(),
  cpus: z.number().min(0.05).max(64).nullish(),
  pidsLimit: z.number().int().min(32).max(65_536).nullish(),
});

/** One sample of the project container's resource use (the Infrastructure panel's "now"). */
export const ContainerStatsSchema = z.object({
  at: z.string(),
  /** Percent of one core (200 = two cores busy). */
  cpuPercent: z.number(),
  memoryBytes: z.number(),
  memoryLimitBytes: z.number(),
  networkRxBytes: z.number(),
  networkTxBytes: z.number(),
  pids: z.number().int(),
});
export type ContainerStats = z.infer<typeof ContainerStatsSchema>;
