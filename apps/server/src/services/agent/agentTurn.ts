import type { AgentStreamEvent, ToolCall, Turn, Usage } from '@vaporform/contracts';
import { createTwoFilesPatch } from 'diff';
import { AppError } from '../../platform/errors/AppError.js';
import type { LlmContent, LlmMessage, LlmProvider, LlmToolSpec, LlmUsage } from './providers/llmProvider.js';
import type { AgentTool, RunTool, ToolContext } from './tools/agentTool.js';

export interface TurnLimits {
  /** Model calls per turn: each tool round trip is one. */
  maxIterations: number;
  maxTokens: number;
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
}

export interface TurnOutcome {
  status: Turn['status'];
  text: string;
  toolCalls: ToolCall[];
  changedFiles: string[];
  fileDiffs: { path: string; diff: string }[];
  usage: Usage;
  /** The model messages this turn added (user message first), for the next turn to send back. */
  transcript: LlmMessage[];
  checkpointId: string | null;
  error: string | null;
}

/**
 * One turn of the agent loop: ask the model, run the tools it calls, send the results back, until it
 * answers without tools, the iteration budget is spent, or the turn is cancelled. Writes are preceded by a
 * checkpoint; the files the turn changed are reported with their diffs at the end.
 */
export async function runTurn(options: TurnRunOptions): Promise<TurnOutcome> {
  const transcript: LlmMessage[] = [{ role: 'user', content: [{ type: 'text', text: options.message }] }];
  const toolCalls: ToolCall[] = [];
  const originals = new Map<string, string | null>();
  const usage: LlmUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  let text = '';
  let checkpointId: string | null = null;
  let checkpointing: Promise<string> | undefined;

  const beforeWrite = async (path: string) => {
    checkpointing ??= options.checkpoint();
    checkpointId = await checkpointing;
    if (!originals.has(path)) originals.set(path, await options.readFile(path));
  };
  const context = options.context(beforeWrite);
  const outcome = (status: Turn['status'], error: string | null): TurnOutcome => ({
    status,
    text,
    toolCalls,
    changedFiles: [...originals.keys()],
    fileDiffs: [],
    usage: { ...usage, costUsd: options.provider.costOf(usage) },
    transcript,
    checkpointId,
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
          messages: [...options.history, ...transcript],
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
      options.emit({ type: 'usage', usage: { ...usage, costUsd: options.provider.costOf(usage) } });
      transcript.push({ role: 'assistant', content: response.content });
      const calls = response.content.filter(
        (block): block is Extract<LlmContent, { type: 'tool_use' }> => block.type === 'tool_use',
      );
      if (calls.length === 0) {
        if (response.stopReason === 'max_tokens')
          return await finish(outcome('failed', 'The model ran out of output tokens'));
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

  /** Reports each changed file's diff; a turn that ends early still says what it changed. */
  async function finish(result: TurnOutcome, interrupted = false): Promise<TurnOutcome> {
    for (const [path, before] of originals) {
      const after = await options.readFile(path);
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
    // A cancelled or failed turn may end between a tool call and its result: the transcript must still be a
    // valid conversation for the next turn, so calls without results get one.
    if (interrupted) closeDanglingCalls(result.transcript);
    options.emit({ type: 'status', status: result.status, error: result.error });
    return result;
  }
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
