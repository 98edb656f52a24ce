import type { SharedDb } from '../../platform/db/openDatabase.js';

interface ApprovalsTable {
  project_id: string;
  tool: string;
  fingerprint: string;
  approved: boolean;
  decided_by: string | null;
  decided_at: Date | undefined;
}

/** The project's remembered answers to "may the agent use this MCP tool?" (`mcp_tool_approvals`, 0008). */
export class ToolApprovals {
  private readonly db;

  constructor(shared: SharedDb) {
    this.db = shared.withTables<{ mcp_tool_approvals: ApprovalsTable }>();
  }

  /** True or false once someone answered for this tool on this server; undefined until then. */
  async decision(projectId: string, tool: string, fingerprint: string): Promise<boolean | undefined> {
    const row = await this.db
      .selectFrom('mcp_tool_approvals')
      .select('approved')
      .where('project_id', '=', projectId)
      .where('tool', '=', tool)
      .where('fingerprint', '=', fingerprint)
      .executeTakeFirst();
    return row?.approved;
  }

  async remember(input: {
    projectId: string;
    tool: string;
    fingerprint: string;
    approved: boolean;
    userId: string;
  }): Promise<void> {
    await this.db
      .insertInto('mcp_tool_approvals')
      .values({
        project_id: input.projectId,
        tool: input.tool,
        fingerprint: input.fingerprint,
        approved: input.approved,
        decided_by: input.userId,
      })
      .onConflict((conflict) =>
        conflict.columns(['project_id', 'tool', 'fingerprint']).doUpdateSet({
          approved: input.approved,
          decided_by: input.userId,
          decided_at: new Date(),
        }),
      )
      .execute();
  }
}
