import { z } from 'zod';
import { IdSchema, IsoDateSchema } from './common.js';

/** `POST /api/projects/:id/chat`: starts a turn; it runs in the background and streams over `/api/ws`. */
export const ChatBodySchema = z.strictObject({
  message: z.string().trim().min(1).max(20_000),
  threadId: IdSchema.optional(),
  /** Hold the turn's file changes as a proposal to accept or reject per file; defaults to the user's setting. */
  review: z.boolean().optional(),
});
export type ChatBody = z.infer<typeof ChatBodySchema>;
export const ChatStartedSchema = z.object({ turnId: IdSchema, threadId: IdSchema });

export const TurnStatusSchema = z.enum(['running', 'done', 'failed', 'cancelled']);
export type TurnStatus = z.infer<typeof TurnStatusSchema>;

export const UsageSchema = z.object({
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  cacheReadTokens: z.number().int(),
  cacheWriteTokens: z.number().int(),
  /** Estimated from the model's list price; 0 when the price is unknown (local models). */
  costUsd: z.number(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
  /** What the model was told (capped, secrets masked); null while running. */
  output: z.string().nullable(),
  isError: z.boolean(),
  startedAt: IsoDateSchema,
  finishedAt: IsoDateSchema.nullable(),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

/** One of the template's checks, run after the turn's edits; `output` is the tail of what it printed. */
export const CheckResultSchema = z.object({
  name: z.string(),
  command: z.string(),
  passed: z.boolean(),
  output: z.string(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

export const ReviewStatusSchema = z.enum(['pending', 'accepted', 'rejected']);
export type ReviewStatus = z.infer<typeof ReviewStatusSchema>;

/** A review-mode turn's proposal: each file it would change (diffs in `fileDiffs`) and what became of it. */
export const ReviewSchema = z.object({
  files: z.array(z.object({ path: z.string(), status: ReviewStatusSchema })),
});
export type Review = z.infer<typeof ReviewSchema>;

/** `POST /api/projects/:id/chat/turns/:turnId/review`: decide some files of the proposal (all pending ones if `paths` is left out). */
export const ReviewBodySchema = z.strictObject({
  decision: z.enum(['accept', 'reject']),
  paths: z.array(z.string().min(1).max(4096)).min(1).max(1000).optional(),
});
export type ReviewBody = z.infer<typeof ReviewBodySchema>;

/** An MCP tool the turn waits to be allowed to use (asked once per tool per project). */
export const ApprovalRequestSchema = z.object({
  tool: z.string(),
  /** The MCP server (from the workspace's `.mcp.json`) the tool belongs to. */
  server: z.string(),
  input: z.record(z.string(), z.unknown()),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema>;

/** `POST /api/projects/:id/chat/turns/:turnId/approval`: the answer, remembered for the project. */
export const ApprovalBodySchema = z.strictObject({
  tool: z.string().min(1).max(64),
  allow: z.boolean(),
});
export type ApprovalBody = z.infer<typeof ApprovalBodySchema>;

/** `GET /api/projects/:id/chat/turns/:turnId` */
export const TurnSchema = z.object({
  id: IdSchema,
  threadId: IdSchema,
  projectId: IdSchema,
  userId: IdSchema,
  status: TurnStatusSchema,
  /** The user's message. */
  message: z.string(),
  /** The assistant's text, all of it so far. */
  text: z.string(),
  toolCalls: z.array(ToolCallSchema),
  changedFiles: z.array(z.string()),
  /** Each changed file's unified diff against the file before the turn. */
  fileDiffs: z.array(z.object({ path: z.string(), diff: z.string() })),
  usage: UsageSchema,
  /** The template's checks run after the turn's edits, in order (repair rounds run them again). */
  checks: z.array(CheckResultSchema).default([]),
  /** Taken before the turn's first write: rewinding restores it. */
  checkpointId: z.string().nullable(),
  /** In review mode, the proposal: nothing is written until a file is accepted. Null otherwise. */
  review: ReviewSchema.nullable().default(null),
  /** While the turn waits for a member to allow an MCP tool; null otherwise. */
  approval: ApprovalRequestSchema.nullable().default(null),
  error: z.string().nullable(),
  model: z.string(),
  createdAt: IsoDateSchema,
  finishedAt: IsoDateSchema.nullable(),
  /** While it runs: the last `agent.turn` event's `seq` this answer includes, so a client can skip those. */
  lastSeq: z.number().int().optional(),
});
export type Turn = z.infer<typeof TurnSchema>;
export const TurnListSchema = z.array(TurnSchema);

export const ThreadSchema = z.object({
  id: IdSchema,
  projectId: IdSchema,
  title: z.string(),
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
});
export type Thread = z.infer<typeof ThreadSchema>;
export const ThreadListSchema = z.array(ThreadSchema);

/** What a turn streams, in order, as `agent.turn` events on the project socket. */
export const AgentStreamEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), delta: z.string() }),
  z.object({
    type: z.literal('tool_call'),
    id: z.string(),
    name: z.string(),
    input: z.record(z.string(), z.unknown()),
  }),
  z.object({ type: z.literal('tool_result'), id: z.string(), output: z.string(), isError: z.boolean() }),
  /** A file the turn wrote, with a unified diff against the file before the turn. */
  z.object({ type: z.literal('file_changed'), path: z.string(), diff: z.string() }),
  z.object({ type: z.literal('usage'), usage: UsageSchema }),
  /** A template check run after the turn's edits. */
  z.object({
    type: z.literal('check'),
    name: z.string(),
    command: z.string(),
    passed: z.boolean(),
    output: z.string(),
  }),
  /**
   * The proposal of a review-mode turn: sent when the turn ends, and again (with `seq` 0) after each decision,
   * when clients refetch the turn.
   */
  z.object({ type: z.literal('review'), review: ReviewSchema }),
  /** The turn asks to use an MCP tool (`asked`), and the answer (`allowed`, `denied`). */
  z.object({
    type: z.literal('approval'),
    state: z.enum(['asked', 'allowed', 'denied']),
    request: ApprovalRequestSchema,
  }),
  z.object({ type: z.literal('status'), status: TurnStatusSchema, error: z.string().nullable() }),
]);
export type AgentStreamEvent = z.infer<typeof AgentStreamEventSchema>;

/** Whether the server has a model to talk to, for the chat panel to say how to add one. */
export const AgentStatusSchema = z.object({
  available: z.boolean(),
  provider: z.enum(['anthropic', 'openai']).nullable(),
  model: z.string().nullable(),
  /** Whose key pays: the caller's own (a user secret) or the server's; null when there is none. */
  keySource: z.enum(['user', 'server']).nullable().default(null),
  /** How to make it available, when it is not. */
  hint: z.string().nullable(),
});
export type AgentStatus = z.infer<typeof AgentStatusSchema>;
