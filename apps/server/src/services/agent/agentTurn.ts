import type {
  AgentStreamEvent,
  CheckResult,
  TemplateManifest,
  ToolCall,
  Turn,
  Usage,
} from '@vaporform/contracts';
import { createTwoFilesPatch } from 'diff';
import { AppError } from '../../platform/errors/AppError.js';
import type { LlmContent, LlmMessage, LlmProvider, LlmToolSpec, LlmUsage } from './providers/llmProvider.js';
import { estimateTokens, fitMessages } from './compaction.js';
import { ProposalOverlay, workspaceKey } from './proposalOverlay.js';
import { publicReview, type StoredReview } from './store.js';
import type { AgentTool, RunTool, ToolContext } from './tools/agentTool.js';

export interface TurnLimits {
  /** Model calls per turn: each tool round trip is one. */
  maxIterations: number;
  maxTokens: number;
  /** The model's context window in tokens: requests are fitted into it (`compaction.ts`). */
  contextTokens: number;
  /** US dollars this turn may still spend (what is left of the daily budgets); unlimited when absent. */
  budgetUsd?: number;
}

export interface TurnRunOptions {
  provider: LlmProvider;
  tools: readonly AgentTool[];
  toolSpecs: LlmToolSpec[];
  runTool: RunTool;
  system: string;
  history: LlmMessage[];
  message: string;
  limits: TurnLimits;
  /** Builds the tools' context; `beforeWrite` is the turn's own. */
  context: (beforeWrite: (path: string) => Promise<void>) => ToolContext;
  /** Takes the checkpoint a rewind returns to; called once, before the turn's first write. */
  checkpoint: () => Promise<string>;
  readFile: (path: string) => Promise<string | null>;
  emit: (event: AgentStreamEvent) => void;
  signal: AbortSignal;
  /** The template's checks, run in the container when the model is done and the turn changed files. */
  checks?: TemplateManifest['checks'];
  /** Review mode: writes are held as a proposal (nothing on disk changes, no checkpoint, no checks). */
  review?: boolean;
}

/** How many times failing checks are sent back to the model before the turn ends with them failing. */
export const MAX_REPAIR_ROUNDS = 2;
/** A check's output kept for the chat and the model: its tail, where the errors usually are. */
export const CHECK_OUTPUT_CHARS = 4000;
const CHECK_TIMEOUT_MS = 120_000;
const CHECK_MAX_OUTPUT_BYTES = 64_000;

export interface TurnOutcome {
  status: Turn['status'];
  text: string;
  toolCalls: ToolCall[];
  changedFiles: string[];
  fileDiffs: { path: string; diff: string }[];
  usage: Usage;
  /** Every check run, in order: a repair round runs them all again. */
  checks: CheckResult[];
  /** The model messages this turn added (user message first), for the next turn to send back. */
  transcript: LlmMessage[];
  checkpointId: string | null;
  /** Review mode's proposal; null when the turn wrote as it went. */
  review: StoredReview | null;
  error: string | null;
}

/**
 * One turn of the agent loop: ask the model, run the tools it calls, send the results back, until it
 * answers without tools, the iteration budget is spent, or the turn is cancelled. Writes are preceded by a
 * checkpoint; the files the turn changed are reported with their diffs at the end.
 */
export async function runTurn(options: TurnRunOptions): Promise<TurnOutcome> {
  const requestOverhead = estimateTokens(options.system) + estimateTokens(options.toolSpecs);
  const transcript: LlmMessage[] = [{ role: 'user', content: [{ type: 'text', text: options.message }] }];
  const toolCalls: ToolCall[] = [];
  const originals = new Map<string, string | null>();
  const usage: LlmUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  let text = '';
  let checkpointId: string | null = null;
  let checkpointing: Promise<string> | undefined;
  const checks: CheckResult[] = [];
  let repairRounds = 0;
  /** Set when the container cannot run commands (not running, no runtime): checks are skipped for the turn. */
  let checksUnavailable = false;
  const overlay = options.review ? new ProposalOverlay((key) => originals.get(key)) : null;

  const beforeWrite = async (path: string) => {
    const key = workspaceKey(path);
    if (!overlay) {
      checkpointing ??= options.checkpoint();
      checkpointId = await checkpointing;
    }
    if (!originals.has(key)) originals.set(key, await options.readFile(key));
  };
  const base = options.context(beforeWrite);
  const context = overlay ? { ...base, files: overlay.wrap(base.files) } : base;
  const outcome = (status: Turn['status'], error: string | null): TurnOutcome => ({
    status,
    text,
    toolCalls,
    changedFiles: [...originals.keys()],
    fileDiffs: [],
    usage: { ...usage, costUsd: options.provider.costOf(usage) },
    checks,
    transcript,
    checkpointId,
    review: null,
    error,
  });

  try {
    for (let iteration = 0; ; iteration += 1) {
      if (iteration >= options.limits.maxIterations) {
        return await finish(
          outcome('failed', `Stopped after ${options.limits.maxIterations} model calls without finishing`),
        );
      }
      let answering = false;
      const response = await options.provider.complete(
        {
          system: options.system,
          // The answer needs room too: the request is fitted into what the window leaves for it.
          messages: fitMessages(
            [...options.history, ...transcript],
            options.limits.contextTokens - options.limits.maxTokens - requestOverhead,
          ),
          tools: options.toolSpecs,
          maxTokens: options.limits.maxTokens,
          signal: options.signal,
        },
        (event) => {
          if (event.type !== 'text') return;
          // Each model call's text is a paragraph of its own, not glued to the previous call's last word.
          const delta = !answering && text.length > 0 ? `\n\n${event.delta}` : event.delta;
          answering = true;
          text += delta;
          options.emit({ type: 'text', delta });
        },
      );
      addUsage(usage, response.usage);
      const spent = options.provider.costOf(usage);
      options.emit({ type: 'usage', usage: { ...usage, costUsd: spent } });
      transcript.push({ role: 'assistant', content: response.content });
      // Checked after the answer is kept, so the conversation stays whole for the next turn.
      if (options.limits.budgetUsd !== undefined && spent >= options.limits.budgetUsd) {
        return await finish(
          outcome('failed', `Stopped: this turn used the rest of the AI budget ($${spent.toFixed(4)})`),
          true,
        );
      }
      const calls = response.content.filter(
        (block): block is Extract<LlmContent, { type: 'tool_use' }> => block.type === 'tool_use',
      );
      if (calls.length === 0) {
        if (response.stopReason === 'max_tokens')
          return await finish(outcome('failed', 'The model ran out of output tokens'));
        const failed = await runChecks();
        // A repair round needs a model call of its own: within the iteration budget, or not at all.
        if (
          failed.length > 0 &&
          repairRounds < MAX_REPAIR_ROUNDS &&
          iteration + 1 < options.limits.maxIterations
        ) {
          repairRounds += 1;
          transcript.push({ role: 'user', content: [{ type: 'text', text: repairRequest(failed) }] });
          continue;
        }
        return await finish(outcome('done', null));
      }
      // Results join the conversation as they come, so a stopped turn keeps those it got.
      const results: LlmContent[] = [];
      transcript.push({ role: 'user', content: results });
      for (const call of calls) {
        options.signal.throwIfAborted();
        const record: ToolCall = {
          id: call.id,
          name: call.name,
          input: call.input,
          output: null,
          isError: false,
          startedAt: new Date().toISOString(),
          finishedAt: null,
        };
        toolCalls.push(record);
        options.emit({ type: 'tool_call', id: call.id, name: call.name, input: call.input });
        const { output, isError = false } = await options.runTool(call.name, call.input, context);
        record.output = output;
        record.isError = isError;
        record.finishedAt = new Date().toISOString();
        options.emit({ type: 'tool_result', id: call.id, output, isError });
        results.push({ type: 'tool_result', toolUseId: call.id, content: output, isError });
      }
    }
  } catch (error) {
    if (options.signal.aborted) return await finish(outcome('cancelled', null), true);
    const message = error instanceof AppError ? error.message : 'The agent failed unexpectedly';
    return await finish(outcome('failed', message), true);
  }

  /**
   * Runs the template's checks in the container once the model says it is done, if the turn changed files;
   * answers the failed ones. A container that cannot run commands skips them without a word.
   */
  async function runChecks(): Promise<CheckResult[]> {
    const declared = options.checks ?? [];
    // A proposal is not on disk yet, so the checks would judge the files without it.
    if (declared.length === 0 || originals.size === 0 || checksUnavailable || overlay) return [];
    const results: CheckResult[] = [];
    for (const check of declared) {
      options.signal.throwIfAborted();
      let ran: Awaited<ReturnType<ToolContext['run']>>;
      try {
        ran = await context.run(check.command, {
          timeoutMs: CHECK_TIMEOUT_MS,
          maxOutputBytes: CHECK_MAX_OUTPUT_BYTES,
        });
      } catch (error) {
        if (options.signal.aborted || !(error instanceof AppError)) throw error;
        checksUnavailable = true;
        return [];
      }
      options.signal.throwIfAborted();
      const passed = ran.exitCode === 0 && !ran.timedOut;
      const note = ran.timedOut
        ? `\n(timed out after ${CHECK_TIMEOUT_MS / 1000} s)`
        : ran.exitCode === null || passed
          ? ''
          : `\n(exit code ${ran.exitCode})`;
      const output = tail(ran.output.trimEnd(), CHECK_OUTPUT_CHARS) + note;
      const result: CheckResult = { name: check.name, command: check.command, passed, output: output.trim() };
      results.push(result);
      checks.push(result);
      options.emit({ type: 'check', ...result });
    }
    return results.filter((result) => !result.passed);
  }

  /** Reports each changed file's diff; a turn that ends early still says what it changed. */
  async function finish(result: TurnOutcome, interrupted = false): Promise<TurnOutcome> {
    const proposed: StoredReview['files'] = [];
    for (const [path, before] of originals) {
      const held = overlay?.get(path);
      const after = overlay ? (held ?? null) : await options.readFile(path);
      // A write the proposal never got (refused path, failed write) proposes nothing.
      if (overlay && held === undefined) continue;
      if (held !== undefined) proposed.push({ path, status: 'pending', before, after: held });
      const diff = createTwoFilesPatch(
        `a/${path}`,
        `b/${path}`,
        before ?? '',
        after ?? '',
        undefined,
        undefined,
        {
          context: 3,
        },
      );
      result.fileDiffs.push({ path, diff });
      options.emit({ type: 'file_changed', path, diff });
    }
    if (overlay) {
      result.changedFiles = proposed.map((file) => file.path);
      result.review = { files: proposed };
      options.emit({ type: 'review', review: publicReview(result.review) });
    }
    // A cancelled or failed turn may end between a tool call and its result: the transcript must still be a
    // valid conversation for the next turn, so calls without results get one.
    if (interrupted) closeDanglingCalls(result.transcript);
    options.emit({ type: 'status', status: result.status, error: result.error });
    return result;
  }
}

/** What the model is told when checks fail after its edits. */
function repairRequest(failed: CheckResult[]): string {
  const sections = failed.map(
    (check) => `### ${check.name} (\`${check.command}\`)\n\`\`\`\n${check.output || '(no output)'}\n\`\`\``,
  );
  return [
    `The project's checks ran after your changes and ${failed.length === 1 ? 'one failed' : `${failed.length} failed`}:`,
    ...sections,
    'Fix the cause of these failures in the code (do not weaken or remove the checks), then answer briefly what you changed.',
  ].join('\n\n');
}

function tail(text: string, chars: number): string {
  return text.length <= chars ? text : `…${text.slice(text.length - chars)}`;
}

function addUsage(total: LlmUsage, more: LlmUsage): void {
  total.inputTokens += more.inputTokens;
  total.outputTokens += more.outputTokens;
  total.cacheReadTokens += more.cacheReadTokens;
  total.cacheWriteTokens += more.cacheWriteTokens;
}

/** Gives every tool call of the last assistant message a result, so the transcript stays a valid conversation. */
function closeDanglingCalls(transcript: LlmMessage[]): void {
  const lastAssistant = transcript.findLastIndex((message) => message.role === 'assistant');
  const assistant = transcript[lastAssistant];
  if (!assistant) return;
  let answers = transcript[lastAssistant + 1];
  if (!answers) {
    answers = { role: 'user', content: [] };
    transcript.push(answers);
  }
  const answered = new Set(
    answers.content.map((block) => (block.type === 'tool_result' ? block.toolUseId : '')),
  );
  for (const block of assistant.content) {
    if (block.type === 'tool_use' && !answered.has(block.id)) {
      answers.content.push({
        type: 'tool_result',
        toolUseId: block.id,
        content: 'Not run: the turn was stopped.',
        isError: true,
      });
    }
  }
}
