import { permissionIncludes, type AgentStreamEvent, type ProjectPermission } from '@vaporform/contracts';
import type { ApprovalGate } from './approvalGate.js';
import type { McpCallResult, McpToolInfo, McpToolList } from './mcp/index.js';
import type { LlmToolSpec } from './providers/llmProvider.js';
import type { ToolResult } from './tools/agentTool.js';
import type { ToolApprovals } from './toolApprovals.js';

/** What the turn needs of the MCP hub (`mcp/mcpHub.ts`). */
export interface McpToolSource {
  tools(projectId: string, userId: string): Promise<McpToolList>;
  call(
    projectId: string,
    userId: string,
    name: string,
    input: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<McpCallResult>;
}

export interface McpTurnDependencies {
  hub: McpToolSource;
  approvals: ToolApprovals;
  gate: ApprovalGate;
}

interface TurnScope {
  projectId: string;
  turnId: string;
  userId: string;
  emit: (event: AgentStreamEvent) => void;
  signal: AbortSignal;
}

/**
 * The MCP tools of one turn: those the project's `.mcp.json` declares, offered only to a caller with
 * `execute` (stdio servers run in the container). The first use of each tool waits for a member to allow
 * it; the answer is remembered for the project and that server.
 */
export class McpTurnTools {
  static readonly none = new McpTurnTools(null, [], []);

  private constructor(
    private readonly dependencies: McpTurnDependencies | null,
    private readonly infos: McpToolInfo[],
    readonly problems: string[],
  ) {}

  static async load(
    dependencies: McpTurnDependencies | undefined,
    scope: { projectId: string; userId: string; permission: ProjectPermission },
  ): Promise<McpTurnTools> {
    if (!dependencies || !permissionIncludes(scope.permission, 'execute')) return McpTurnTools.none;
    const listed = await dependencies.hub.tools(scope.projectId, scope.userId);
    if (listed.tools.length === 0 && listed.problems.length === 0) return McpTurnTools.none;
    return new McpTurnTools(dependencies, listed.tools, listed.problems);
  }

  get specs(): LlmToolSpec[] {
    return this.infos.map(({ name, description, inputSchema, server }) => ({
      name,
      description: `${description || 'An MCP tool.'} (MCP server '${server}')`,
      inputSchema,
    }));
  }

  has(name: string): boolean {
    return this.infos.some((info) => info.name === name);
  }

  async run(
    name: string,
    input: unknown,
    permission: ProjectPermission,
    scope: TurnScope,
  ): Promise<ToolResult> {
    const info = this.infos.find((candidate) => candidate.name === name);
    if (!info || !this.dependencies) return { output: `There is no tool named '${name}'.`, isError: true };
    if (!permissionIncludes(permission, 'execute')) {
      return {
        output:
          'MCP tools run in the project container: they need the execute permission, which the user no longer has.',
        isError: true,
      };
    }
    const { hub, approvals, gate } = this.dependencies;
    const args = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
    let allowed = await approvals.decision(scope.projectId, name, info.serverFingerprint);
    if (allowed === undefined) {
      const request = { tool: name, server: info.server, input: args };
      scope.emit({ type: 'approval', state: 'asked', request });
      const answer = await gate.wait(scope.turnId, request, info.serverFingerprint, scope.signal);
      scope.emit({ type: 'approval', state: answer ? 'allowed' : 'denied', request });
      scope.signal.throwIfAborted();
      if (answer === null) {
        return {
          output: `Nobody allowed '${name}' in time. Carry on without it, or tell the user it needs their approval.`,
          isError: true,
        };
      }
      allowed = answer;
    }
    if (!allowed) {
      return {
        output: `The project's members did not allow '${name}'. Do not call it again; carry on without it.`,
        isError: true,
      };
    }
    return hub.call(scope.projectId, scope.userId, name, args, scope.signal);
  }
}
