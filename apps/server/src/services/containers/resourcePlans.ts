import os from 'node:os';
import type { ColumnType } from 'kysely';
import type { SharedDb } from '../../platform/db/openDatabase.js';
import type { ContainerResources } from './containerRuntime.js';
import { defaultResourcePlans, type ResourcePlanOptions, type ResourceStack } from './resourcePlan.js';

type PlanTables = {
  resource_plans: {
    stack: string;
    memory_bytes: number | string | null;
    cpus: number | null;
    pids_limit: number | null;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
};

export type ResourceAdjustment = Partial<Pick<ContainerResources, 'memoryBytes' | 'cpus' | 'pidsLimit'>>;

/**
 * Container sizes: the seed's per-stack defaults, an admin's adjustments (stored), and a scale-down while
 * the host is short of memory, so that new containers do not push it into swapping.
 */
export class ResourcePlans {
  private readonly db;

  constructor(
    shared: SharedDb,
    private readonly freeMemoryRatio: () => number = () => os.freemem() / os.totalmem(),
  ) {
    this.db = shared.withTables<PlanTables>();
  }

  async adjustments(): Promise<Partial<Record<ResourceStack, ResourceAdjustment>>> {
    const rows = await this.db.selectFrom('resource_plans').selectAll().execute();
    const result: Partial<Record<ResourceStack, ResourceAdjustment>> = {};
    for (const row of rows) {
      if (!(row.stack in defaultResourcePlans)) continue;
      result[row.stack as ResourceStack] = {
        ...(row.memory_bytes === null ? {} : { memoryBytes: Number(row.memory_bytes) }),
        ...(row.cpus === null ? {} : { cpus: row.cpus }),
        ...(row.pids_limit === null ? {} : { pidsLimit: row.pids_limit }),
      };
    }
    return result;
  }

  async adjust(stack: ResourceStack, adjustment: ResourceAdjustment): Promise<void> {
    const values = {
      memory_bytes: adjustment.memoryBytes ?? null,
      cpus: adjustment.cpus ?? null,
      pids_limit: adjustment.pidsLimit ?? null,
    };
    await this.db
      .insertInto('resource_plans')
      .values({ stack, ...values })
      .onConflict((conflict) => conflict.column('stack').doUpdateSet({ ...values, updated_at: new Date() }))
      .execute();
  }

  /** What `resourcesFor` needs now. */
  async options(): Promise<ResourcePlanOptions> {
    const free = this.freeMemoryRatio();
    // Below a fifth of memory free, new containers get three quarters; below a tenth, half.
    const scale = free < 0.1 ? 0.5 : free < 0.2 ? 0.75 : 1;
    return { overrides: await this.adjustments(), scale };
  }
}
