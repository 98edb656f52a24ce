import { randomUUID } from 'node:crypto';
import {
  permissionIncludes,
  type AgentStatus,
  type AgentStreamEvent,
  type ChatBody,
  type ApprovalBody,
  type ProjectPermission,
  type ReviewBody,
  type TemplateManifest,
  type Thread,
  type Turn,
} from '@vaporform/contracts';
import type { Logger } from 'pino';
import type { AuditLog } from '../../platform/audit/AuditLog.js';
import { AppError } from '../../platform/errors/AppError.js';
import type { EventBus } from '../../platform/events/EventBus.js';
import type { Principal } from '../../platform/http/policy.js';
import type { CheckpointService } from '../checkpoints/index.js';
import type { ContainersService } from '../containers/index.js';
import type { FilesService } from '../files/index.js';
import { runTurn, type TurnLimits } from './agentTurn.js';
import { ApprovalGate } from './approvalGate.js';
import { McpTurnTools, type McpToolSource } from './mcpTurnTools.js';
import { compactHistory, estimateTokens } from './compaction.js';
import type { LlmProvider, LlmToolSpec } from './providers/llmProvider.js';
import { recordLiveEvent } from './recordLiveEvent.js';
import { decideReview } from './reviewDecision.js';
import { emptyUsage, publicReview, type AgentStore } from './store.js';
import { systemPrompt } from './systemPrompt.js';
import type { ToolApprovals } from './toolApprovals.js';
import type { AgentTool, RunTool } from './tools/agentTool.js';
import { createToolContext } from './toolContext.js';

export interface AgentServiceOptions {
  store: AgentStore;
  audit: AuditLog;
  events: EventBus;
  /** null when no model is configured; `hint` says how to configure one. */
  provider: LlmProvider | null;
  hint: string | null;
  tools: readonly AgentTool[];
  toolSpecs: LlmToolSpec[];
  runTool: RunTool<[permission: ProjectPermission]>;
  files: FilesService;
  containers: ContainersService;
  checkpoints: CheckpointService;
  describeProject: (projectId: string) => Promise<{ name: string; template: TemplateManifest }>;
  permissionOf: (principal: Principal, projectId: string) => Promise<ProjectPermission | null>;
  /** The page errors the project's preview reported lately, one per line. */
  previewErrors: (projectId: string) => string[];
  /** The project's MCP servers (`.mcp.json`) and the remembered approvals of their tools; none when absent. */
  mcp?: { hub: McpToolSource; approvals: ToolApprovals };
  /**
   * Replaces the project's secret values with `[secret:NAME]`: every tool result (built-in and MCP) passes
   * through it on its way to the model and the chat. The tools underneath stay raw on purpose: edit_file
   * must read the real file, and a masked read would write the marker back.
   */
  masker?: (projectId: string) => Promise<(text: string) => string>;
  /** The caller's own model account (their ANTHROPIC_API_KEY or OPENAI_API_KEY user secret), if any. */
  userProvider?: (userId: string) => Promise<LlmProvider | null>;
  /** The user's setting for turns that do not say: hold changes for review, or write as it goes. */
  reviewByDefault: (userId: string) => Promise<boolean>;
  limits: TurnLimits;
  /** US dollars per rolling 24 hours; 0 means no limit. */
  budgets: { userDailyUsd: number; projectDailyUsd: number };
  logger: Logger;
}

interface LiveTurn {
  turn: Turn;
  review: boolean;
  controller: AbortController;
  seq: number;
  done: Promise<void>;
}

/**
 * The agent's conversations: a turn runs in the background with the rights of the user who asked, streams
 * every step as `agent.turn` events, and persists what it said, ran and changed. One turn at a time per
 * project, so two turns never edit the same files at once.
 */
export class AgentService {
  readonly #live = new Map<string, LiveTurn>();
  readonly #gate = new ApprovalGate();

  constructor(private readonly options: AgentServiceOptions) {}

  /** What the caller can use: their own key (a user secret) wins over the server-wide one. */
  async status(userId: string): Promise<AgentStatus> {
    const own = await this.#userProvider(userId);
    const provider = own ?? this.options.provider;
    return {
      available: provider !== null,
      provider: provider?.kind ?? null,
      model: provider?.model ?? null,
      keySource: own ? 'user' : provider ? 'server' : null,
      hint: provider ? null : this.#hint(),
    };
  }

  async start(
    principal: Principal,
    projectId: string,
    body: ChatBody,
  ): Promise<{ turnId: string; threadId: string }> {
    const provider = (await this.#userProvider(principal.userId)) ?? this.options.provider;
    if (!provider) throw new AppError('unavailable', this.#hint());
    for (const live of this.#live.values()) {
      if (live.turn.projectId === projectId) {
        throw new AppError(
          'conflict',
          'The agent is already working on this project; wait for it or stop it',
        );
      }
    }
    // Independent reads first, together: a turn should reach the model as soon as it can.
    const [budgetUsd, existingThread, review] = await Promise.all([
      this.#budgetLeft(principal.userId, projectId),
      body.threadId ? this.#thread(projectId, body.threadId) : undefined,
      body.review ?? this.options.reviewByDefault(principal.userId),
    ]);
    if (budgetUsd !== undefined && budgetUsd <= 0) {
      throw new AppError(
        'rate_limited',
        'The daily AI budget is used up; it frees up as the last 24 hours roll on',
      );
    }
    const thread =
      existingThread ??
      (await this.options.store.createThread({ id: randomUUID(), projectId, title: titleOf(body.message) }));
    const turn = await this.options.store.insertTurn({
      id: randomUUID(),
      threadId: thread.id,
      projectId,
      userId: principal.userId,
      message: body.message,
      model: provider.model,
    });
    const controller = new AbortController();
    const live: LiveTurn = { turn, review, controller, seq: 0, done: Promise.resolve() };
    this.#live.set(turn.id, live);
    live.done = this.#run(live, principal, provider, budgetUsd).finally(() => this.#live.delete(turn.id));
    return { turnId: turn.id, threadId: thread.id };
  }

  /** The turn as it is now: live while it runs in this process, from the database otherwise. */
  async turn(projectId: string, turnId: string): Promise<Turn> {
    const live = this.#live.get(turnId);
    if (live?.turn.projectId === projectId) return { ...structuredClone(live.turn), lastSeq: live.seq };
    const stored = await this.options.store.turn(projectId, turnId);
    if (!stored) throw new AppError('not_found', 'No such turn in this project');
    const { seq: _seq, storedReview: _review, ...turn } = stored;
    return turn;
  }

  /** Answers a running turn's request to use an MCP tool; the answer is remembered for the project. */
  async approve(principal: Principal, projectId: string, turnId: string, body: ApprovalBody): Promise<Turn> {
    const live = this.#live.get(turnId);
    const pending = live?.turn.projectId === projectId ? this.#gate.pending(turnId) : undefined;
    if (!pending || pending.request.tool !== body.tool || !this.options.mcp) {
      throw new AppError('conflict', `The turn is not waiting for approval of '${body.tool}'`);
    }
    await this.options.mcp.approvals.remember({
      projectId,
      tool: body.tool,
      fingerprint: pending.fingerprint,
      approved: body.allow,
      userId: principal.userId,
    });
    await this.options.audit.record({
      actorId: principal.userId,
      projectId,
      action: 'agent.mcp_approval',
      detail: { turnId, tool: body.tool, server: pending.request.server, allow: body.allow },
    });
    this.#gate.answer(turnId, body.tool, body.allow);
    return this.turn(projectId, turnId);
  }

  /** Accepts or rejects files of a review-mode turn's proposal (`reviewDecision.ts`). */
  async review(principal: Principal, projectId: string, turnId: string, body: ReviewBody): Promise<Turn> {
    if (this.#live.has(turnId))
      throw new AppError('conflict', 'Wait for the turn to finish before reviewing it');
    const { review, decided } = await decideReview(this.options, principal, projectId, turnId, body);
    const turn = await this.turn(projectId, turnId);
    await this.options.audit.record({
      actorId: principal.userId,
      projectId,
      action: 'agent.review',
      detail: { turnId, decision: body.decision, files: decided },
    });
    // After the turn's own stream: clients refetch the turn on a `review` event rather than order it by seq.
    void this.options.events.publish('agent.turn', {
      projectId,
      threadId: turn.threadId,
      turnId,
      userId: turn.userId,
      seq: 0,
      event: { type: 'review', review: publicReview(review) },
    });
    return turn;
  }

  async cancel(principal: Principal, projectId: string, turnId: string): Promise<Turn> {
    const live = this.#live.get(turnId);
    if (live?.turn.projectId === projectId) {
      if (live.turn.userId !== principal.userId && !(await this.#isAdmin(principal, projectId))) {
        throw new AppError('forbidden', 'Only the person who asked (or a project admin) can stop this turn');
      }
      live.controller.abort(new AppError('bad_request', 'Stopped by the user'));
      await live.done;
    }
    return this.turn(projectId, turnId);
  }

  /** Restores the files to before the turn and removes it and every later turn of its thread. */
  async rewind(
    principal: Principal,
    projectId: string,
    turnId: string,
  ): Promise<{ restoredCheckpoint: string | null }> {
    if (this.#live.get(turnId)) throw new AppError('conflict', 'Stop the turn before rewinding it');
    const stored = await this.options.store.turn(projectId, turnId);
    if (!stored) throw new AppError('not_found', 'No such turn in this project');
    const later = (await this.options.store.turns(stored.threadId)).filter(
      (turn) => turn.createdAt >= stored.createdAt,
    );
    if (later.some((turn) => turn.status === 'running'))
      throw new AppError('conflict', 'A later turn is still running');
    if (stored.checkpointId) {
      await this.options.checkpoints.restore(
        projectId,
        this.options.files.workspaceDir(projectId),
        stored.checkpointId,
        {
          name: principal.name,
          email: principal.email,
        },
      );
    }
    await this.options.store.deleteFrom(stored.threadId, stored.seq);
    await this.options.audit.record({
      actorId: principal.userId,
      projectId,
      action: 'agent.rewind',
      detail: { turnId, checkpointId: stored.checkpointId, removedTurns: later.length },
    });
    return { restoredCheckpoint: stored.checkpointId };
  }

  threads(projectId: string): Promise<Thread[]> {
    return this.options.store.threads(projectId);
  }

  async turns(projectId: string, threadId: string): Promise<Turn[]> {
    await this.#thread(projectId, threadId);
    const stored = await this.options.store.turns(threadId);
    return stored.map((turn) => this.#live.get(turn.id)?.turn ?? turn);
  }

  /** Marks turns a stopped server left running; called once at start. */
  async recover(): Promise<void> {
    const failed = await this.options.store.failInterrupted();
    if (failed > 0)
      this.options.logger.warn({ failed }, 'agent turns interrupted by a restart marked failed');
  }

  async dispose(): Promise<void> {
    const running = [...this.#live.values()];
    for (const live of running)
      live.controller.abort(new AppError('unavailable', 'The server is shutting down'));
    await Promise.all(running.map((live) => live.done));
  }

  /** What is left of the caller's and the project's daily budgets, whichever is less; undefined if none. */
  async #budgetLeft(userId: string, projectId: string): Promise<number | undefined> {
    const { userDailyUsd, projectDailyUsd } = this.options.budgets;
    const since = new Date(Date.now() - 24 * 60 * 60 * 1000);
    const left: number[] = [];
    if (userDailyUsd > 0) left.push(userDailyUsd - (await this.options.store.spentSince({ userId }, since)));
    if (projectDailyUsd > 0)
      left.push(projectDailyUsd - (await this.options.store.spentSince({ projectId }, since)));
    return left.length === 0 ? undefined : Math.min(...left);
  }

  async #run(
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
      void this.options.events.publish('agent.turn', {
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
        this.options.describeProject(projectId),
        this.options.files.tree(projectId).catch(() => ({ root: [], truncated: false })),
        this.options.store.transcript(turn.threadId),
        this.#mcpTools(principal, projectId),
      ]);
      const system = systemPrompt({
        name: project.name,
        template: project.template,
        tree: tree.root,
        review: live.review,
        mcpProblems: mcp.problems,
      });
      const toolSpecs = [...this.options.toolSpecs, ...mcp.specs];
      // Half the window for earlier turns; the rest for this turn's own work and the answer.
      const historyBudget =
        this.options.limits.contextTokens / 2 - estimateTokens(system) - estimateTokens(toolSpecs);
      const outcome = await runTurn({
        provider,
        tools: this.options.tools,
        toolSpecs,
        system,
        review: live.review,
        history: compactHistory(earlierTurns, historyBudget),
        message: turn.message,
        limits: budgetUsd === undefined ? this.options.limits : { ...this.options.limits, budgetUsd },
        signal: controller.signal,
        checks: project.template.checks,
        emit,
        runTool: async (name, input, context) => {
          // Permissions are read again for every call: a member demoted mid-turn loses the tools at once.
          const permission = (await this.options.permissionOf(principal, projectId)) ?? 'read';
          const result = mcp.has(name)
            ? await mcp.run(name, input, permission, {
                projectId,
                turnId: turn.id,
                userId: principal.userId,
                emit,
                signal: controller.signal,
              })
            : await this.options.runTool(name, input, context, permission);
          const mask = (await this.options.masker?.(projectId)) ?? ((text: string) => text);
          const output = mask(result.output);
          const isError = result.isError ?? false;
          await this.options.audit.record({
            actorId: principal.userId,
            projectId,
            action: 'agent.tool_call',
            detail: { turnId: turn.id, tool: name, input: truncateJson(input), isError },
          });
          return { output, isError };
        },
        context: (beforeWrite) =>
          createToolContext(
            { files: this.options.files, containers: this.options.containers },
            {
              projectId,
              userId: principal.userId,
              signal: controller.signal,
              beforeWrite,
              previewErrors: () => this.options.previewErrors(projectId),
            },
          ),
        checkpoint: async () =>
          (
            await this.options.checkpoints.create(projectId, this.options.files.workspaceDir(projectId), {
              message: `Before AI: ${titleOf(turn.message)}`,
              author: { name: principal.name, email: principal.email },
            })
          ).id,
        readFile: async (path) => {
          try {
            const file = await this.options.files.read(projectId, path);
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
      await this.options.store.updateTurn(turn.id, { ...outcome, finishedAt: new Date() });
      await this.options.events.publish('claude.response', {
        projectId,
        turnId: turn.id,
        status: outcome.status,
      });
    } catch (error) {
      this.options.logger.error({ err: error, turnId: turn.id }, 'agent turn failed');
      const message = error instanceof AppError ? error.message : 'The agent failed unexpectedly';
      await this.options.store
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

  async #userProvider(userId: string): Promise<LlmProvider | null> {
    return (await this.options.userProvider?.(userId)) ?? null;
  }

  #hint(): string {
    const server = this.options.hint ?? 'No AI model is configured.';
    return this.options.userProvider
      ? `${server} Or add your own key as the user secret ANTHROPIC_API_KEY (or OPENAI_API_KEY) under Account → Secrets.`
      : server;
  }

  /** The MCP tools the caller may use in this turn; a hub that fails offers none rather than failing the turn. */
  async #mcpTools(principal: Principal, projectId: string): Promise<McpTurnTools> {
    const { mcp } = this.options;
    if (!mcp) return McpTurnTools.none;
    const permission = (await this.options.permissionOf(principal, projectId)) ?? 'read';
    return McpTurnTools.load(
      { ...mcp, gate: this.#gate },
      { projectId, userId: principal.userId, permission },
    ).catch((error: unknown) => {
      this.options.logger.warn({ err: error, projectId }, 'listing MCP tools failed');
      return McpTurnTools.none;
    });
  }

  async #thread(projectId: string, threadId: string): Promise<Thread> {
    const thread = await this.options.store.thread(projectId, threadId);
    if (!thread) throw new AppError('not_found', 'No such conversation in this project');
    return thread;
  }

  async #isAdmin(principal: Principal, projectId: string): Promise<boolean> {
    const permission = await this.options.permissionOf(principal, projectId);
    return permission !== null && permissionIncludes(permission, 'admin');
  }
}

function titleOf(message: string): string {
  const line = message.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}

function truncateJson(value: unknown): unknown {
  const text = JSON.stringify(value) ?? '';
  return text.length <= 2000 ? value : `${text.slice(0, 2000)}…`;
}
