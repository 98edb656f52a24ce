import type { AgentStreamEvent, Turn } from '@vaporform/contracts';
import { AppError } from '../../platform/errors/AppError.js';
import type { Principal } from '../../platform/http/policy.js';
import { runTurn } from './agentTurn.js';
import type { ApprovalGate } from './approvalGate.js';
import { compactHistory, estimateTokens } from './compaction.js';
import { McpTurnTools } from './mcpTurnTools.js';
import type { LlmProvider } from './providers/llmProvider.js';
import { recordLiveEvent } from './recordLiveEvent.js';
import type { AgentServiceOptions } from './service.js';
import { emptyUsage, publicReview } from './store.js';
import { systemPrompt } from './systemPrompt.js';
import { createToolContext } from './toolContext.js';

/** A turn while it runs in this process: its snapshot, its stream position, and how to stop it. */
export interface LiveTurn {
  turn: Turn;
  review: boolean;
  controller: AbortController;
  seq: number;
  done: Promise<void>;
}

/**
 * Runs one turn in the background for `AgentService`: gathers the project's context, runs the loop
 * (`agentTurn.ts`) with the caller's rights read again for every tool call, streams each step as an
 * `agent.turn` event, and stores the outcome. Never throws: a failure ends the turn `failed` with the reason.
 */
export async function runLiveTurn(
  options: AgentServiceOptions,
  gate: ApprovalGate,
  live: LiveTurn,
  principal: Principal,
  provider: LlmProvider,
  budgetUsd: number | undefined,
): Promise<void> {
  const { turn, controller } = live;
  const { projectId } = turn;
  const emit = (event: AgentStreamEvent) => {
    recordLiveEvent(live.turn, event);
    live.seq += 1;
    void options.events.publish('agent.turn', {
      projectId,
      threadId: turn.threadId,
      turnId: turn.id,
      userId: turn.userId,
      seq: live.seq,
      event,
    });
  };
  try {
    // Independent reads: a turn should reach the model as soon as it can (bench/agent.bench.ts).
    const [project, tree, earlierTurns, mcp] = await Promise.all([
      options.describeProject(projectId),
      options.files.tree(projectId).catch(() => ({ root: [], truncated: false })),
      options.store.transcript(turn.threadId),
      mcpToolsFor(options, gate, principal, projectId),
    ]);
    const system = systemPrompt({
      name: project.name,
      template: project.template,
      tree: tree.root,
      review: live.review,
      mcpProblems: mcp.problems,
    });
    const toolSpecs = [...options.toolSpecs, ...mcp.specs];
    // Half the window for earlier turns; the rest for this turn's own work and the answer.
    const historyBudget =
      options.limits.contextTokens / 2 - estimateTokens(system) - estimateTokens(toolSpecs);
    const outcome = await runTurn({
      provider,
      tools: options.tools,
      toolSpecs,
      system,
      review: live.review,
      history: compactHistory(earlierTurns, historyBudget),
      message: turn.message,
      limits: budgetUsd === undefined ? options.limits : { ...options.limits, budgetUsd },
      signal: controller.signal,
      checks: project.template.checks,
      emit,
      runTool: async (name, input, context) => {
        // Permissions are read again for every call: a member demoted mid-turn loses the tools at once.
        const permission = (await options.permissionOf(principal, projectId)) ?? 'read';
        const result = mcp.has(name)
          ? await mcp.run(name, input, permission, {
              projectId,
              turnId: turn.id,
              userId: principal.userId,
              emit,
              signal: controller.signal,
            })
          : await options.runTool(name, input, context, permission);
        const mask = (await options.masker?.(projectId)) ?? ((text: string) => text);
        const output = mask(result.output);
        const isError = result.isError ?? false;
        await options.audit.record({
          actorId: principal.userId,
          projectId,
          action: 'agent.tool_call',
          detail: { turnId: turn.id, tool: name, input: truncateJson(input), isError },
        });
        return { output, isError };
      },
      context: (beforeWrite) =>
        createToolContext(
          { files: options.files, containers: options.containers },
          {
            projectId,
            userId: principal.userId,
            signal: controller.signal,
            beforeWrite,
            previewErrors: () => options.previewErrors(projectId),
          },
        ),
      checkpoint: async () =>
        (
          await options.checkpoints.create(projectId, options.files.workspaceDir(projectId), {
            message: `Before AI: ${titleOf(turn.message)}`,
            author: { name: principal.name, email: principal.email },
          })
        ).id,
      readFile: async (path) => {
        try {
          const file = await options.files.read(projectId, path);
          return file.binary ? null : file.content.toString('utf8');
        } catch {
          return null;
        }
      },
    });
    Object.assign(live.turn, {
      status: outcome.status,
      text: outcome.text,
      toolCalls: outcome.toolCalls,
      changedFiles: outcome.changedFiles,
      fileDiffs: outcome.fileDiffs,
      usage: outcome.usage,
      checks: outcome.checks,
      checkpointId: outcome.checkpointId,
      review: outcome.review && publicReview(outcome.review),
      error: outcome.error,
      finishedAt: new Date().toISOString(),
    });
    await options.store.updateTurn(turn.id, { ...outcome, finishedAt: new Date() });
    await options.events.publish('claude.response', {
      projectId,
      turnId: turn.id,
      status: outcome.status,
    });
  } catch (error) {
    options.logger.error({ err: error, turnId: turn.id }, 'agent turn failed');
    const message = error instanceof AppError ? error.message : 'The agent failed unexpectedly';
    await options.store
      .updateTurn(turn.id, {
        status: 'failed',
        error: message,
        usage: live.turn.usage ?? emptyUsage,
        finishedAt: new Date(),
      })
      .catch(() => undefined);
    emit({ type: 'status', status: 'failed', error: message });
  }
}

/** The MCP tools the caller may use in this turn; a hub that fails offers none rather than failing the turn. */
async function mcpToolsFor(
  options: AgentServiceOptions,
  gate: ApprovalGate,
  principal: Principal,
  projectId: string,
): Promise<McpTurnTools> {
  const { mcp } = options;
  if (!mcp) return McpTurnTools.none;
  const permission = (await options.permissionOf(principal, projectId)) ?? 'read';
  return McpTurnTools.load({ ...mcp, gate: gate }, { projectId, userId: principal.userId, permission }).catch(
    (error: unknown) => {
      options.logger.warn({ err: error, projectId }, 'listing MCP tools failed');
      return McpTurnTools.none;
    },
  );
}

export function titleOf(message: string): string {
  const line = message.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}

function truncateJson(value: unknown): unknown {
  const text = JSON.stringify(value) ?? '';
  return text.length <= 2000 ? value : `${text.slice(0, 2000)}…`;
}
