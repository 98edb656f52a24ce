import type { ColumnType } from 'kysely';
import type { SharedDb } from '../../platform/db/openDatabase.js';

type ContainerTables = {
  container_installs: {
    project_id: string;
    install_key: string;
    installed_at: ColumnType<Date, Date | undefined, Date>;
  };
};

/** Which dependency state each project last installed successfully. */
export class InstallRecords {
  private readonly db;

  constructor(shared: SharedDb) {
    this.db = shared.withTables<ContainerTables>();
  }

  async lastKey(projectId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('container_installs')
      .select('install_key')
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row?.install_key;
  }

  async record(projectId: string, installKey: string): Promise<void> {
    await this.db
      .insertInto('container_installs')
      .values({ project_id: projectId, install_key: installKey })
      .onConflict((conflict) =>
        conflict.column('project_id').doUpdateSet({ install_key: installKey, installed_at: new Date() }),
      )
      .execute();
  }

  async forget(projectId: string): Promise<void> {
    await this.db.deleteFrom('container_installs').where('project_id', '=', projectId).execute();
  }
}
