import { randomUUID } from 'node:crypto';
import {
  permissionIncludes,
  type AgentStatus,
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
import type { TurnLimits } from './agentTurn.js';
import { ApprovalGate } from './approvalGate.js';
import type { McpToolSource } from './mcpTurnTools.js';
import type { LlmProvider, LlmToolSpec } from './providers/llmProvider.js';
import { runLiveTurn, titleOf, type LiveTurn } from './liveTurnRunner.js';
import { decideReview } from './reviewDecision.js';
import { publicReview, type AgentStore } from './store.js';
import type { ToolApprovals } from './toolApprovals.js';
import type { AgentTool, RunTool } from './tools/agentTool.js';

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

/**
 * The agent's conversations: a turn runs in the background with the rights of the user who asked, streams
 * every step as `agent.turn` events, and persists what it said, ran and changed. One turn at a time per
 * project, so two turns never edit the same files at once.
 */
export class AgentService {
  readonly #live = new Map<string, LiveTurn>();
  readonly #gate = new ApprovalGate();
  /** Projects whose turn is being set up (before it is live). */
  readonly #starting = new Set<string>();

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
    // Claimed before the first await: two requests at once must not both start a turn on the project.
    if (
      this.#starting.has(projectId) ||
      [...this.#live.values()].some((live) => live.turn.projectId === projectId)
    ) {
      throw new AppError('conflict', 'The agent is already working on this project; wait for it or stop it');
    }
    this.#starting.add(projectId);
    try {
      return await this.#start(principal, projectId, body);
    } finally {
      this.#starting.delete(projectId);
    }
  }

  async #start(
    principal: Principal,
    projectId: string,
    body: ChatBody,
  ): Promise<{ turnId: string; threadId: string }> {
    // Independent reads first, together: a turn should reach the model as soon as it can.
    const [own, budgetUsd, existingThread, review] = await Promise.all([
      this.#userProvider(principal.userId),
      this.#budgetLeft(principal.userId, projectId),
      body.threadId ? this.#thread(projectId, body.threadId) : undefined,
      body.review ?? this.options.reviewByDefault(principal.userId),
    ]);
    const provider = own ?? this.options.provider;
    if (!provider) throw new AppError('unavailable', this.#hint());
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
      newThread: existingThread === undefined,
    });
    const controller = new AbortController();
    const live: LiveTurn = { turn, review, controller, seq: 0, done: Promise.resolve() };
    this.#live.set(turn.id, live);
    live.done = runLiveTurn(this.options, this.#gate, live, principal, provider, budgetUsd).finally(() =>
      this.#live.delete(turn.id),
    );
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

  async #userProvider(userId: string): Promise<LlmProvider | null> {
    return (await this.options.userProvider?.(userId)) ?? null;
  }

  #hint(): string {
    const server = this.options.hint ?? 'No AI model is configured.';
    return this.options.userProvider
      ? `${server} Or add your own key as the user secret ANTHROPIC_API_KEY (or OPENAI_API_KEY) under Account → Secrets.`
      : server;
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
