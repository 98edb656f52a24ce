import type { AgentStreamEvent } from '@vaporform/contracts';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors/AppError.js';
import { MAX_REPAIR_ROUNDS, runTurn, type TurnRunOptions } from './agentTurn.js';
import type { LlmContent, LlmProvider, LlmRequest, LlmResponse } from './providers/llmProvider.js';
import type { ToolContext } from './tools/agentTool.js';

type RunResult = Awaited<ReturnType<ToolContext['run']>>;

const usage = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 };
const say = (text: string): LlmResponse => ({
  content: [{ type: 'text', text }],
  stopReason: 'end_turn',
  usage,
});
let callIds = 0;
const write = (path: string, content: string): LlmResponse => ({
  content: [{ type: 'tool_use', id: `call-${(callIds += 1)}`, name: 'write_file', input: { path, content } }],
  stopReason: 'tool_use',
  usage,
});
const ok = (output = ''): RunResult => ({ exitCode: 0, output, timedOut: false, truncated: false });
const fail = (output: string): RunResult => ({ exitCode: 2, output, timedOut: false, truncated: false });

/**
 * The loop with a scripted model, an in-memory workspace whose only tool is `write_file`, and a scripted
 * container: what the checks do is all that varies.
 */
function harness(options: {
  script: LlmResponse[];
  run?: (command: string, files: Map<string, string>) => Promise<RunResult> | RunResult;
  checks?: TurnRunOptions['checks'];
  maxIterations?: number;
}) {
  const files = new Map<string, string>([['src/app.ts', 'export {};\n']]);
  const requests: LlmRequest[] = [];
  const runs: string[] = [];
  const events: AgentStreamEvent[] = [];
  const controller = new AbortController();
  const provider: LlmProvider = {
    kind: 'anthropic',
    model: 'fake',
    async complete(request, onEvent) {
      requests.push(structuredClone({ ...request, signal: undefined }) as unknown as LlmRequest);
      request.signal.throwIfAborted();
      const next = options.script.shift();
      if (!next) throw new Error('the script ran out');
      for (const block of next.content)
        if (block.type === 'text') onEvent({ type: 'text', delta: block.text });
      return next;
    },
    costOf: () => 0,
  };
  const turn = runTurn({
    provider,
    tools: [],
    toolSpecs: [],
    system: 'system',
    history: [],
    message: 'Add auth',
    limits: { maxIterations: options.maxIterations ?? 10, maxTokens: 1000, contextTokens: 200_000 },
    checks: options.checks ?? [{ name: 'typecheck', command: 'npm run typecheck --silent' }],
    signal: controller.signal,
    emit: (event) => void events.push(event),
    checkpoint: async () => 'checkpoint-1',
    readFile: async (path) => files.get(path) ?? null,
    runTool: async (name, input, context) => {
      const { path, content } = input as { path: string; content: string };
      await context.beforeWrite(path);
      files.set(path, content);
      return { output: `wrote ${path} (${name})` };
    },
    context: (beforeWrite) =>
      ({
        projectId: 'p',
        userId: 'u',
        signal: controller.signal,
        beforeWrite,
        async run(command: string) {
          runs.push(command);
          return (options.run ?? (() => ok()))(command, files);
        },
      }) as unknown as ToolContext,
  });
  return { turn, requests, runs, events, files, controller };
}

const lastUserText = (request: LlmRequest) => {
  const last = request.messages.at(-1)!;
  expect(last.role).toBe('user');
  return last.content
    .filter((block): block is Extract<LlmContent, { type: 'text' }> => block.type === 'text')
    .map((block) => block.text)
    .join('');
};

describe('runTurn checks', () => {
  it('runs the checks after the edits and finishes when they pass', async () => {
    const { turn, runs, events, requests } = harness({
      script: [write('src/auth.ts', 'export const auth = 1;\n'), say('Done.')],
      run: () => ok('all good\n'),
    });
    const outcome = await turn;
    expect(outcome.status).toBe('done');
    expect(runs).toEqual(['npm run typecheck --silent']);
    expect(outcome.checks).toEqual([
      { name: 'typecheck', command: 'npm run typecheck --silent', passed: true, output: 'all good' },
    ]);
    expect(events.filter((event) => event.type === 'check')).toHaveLength(1);
    // The check event comes before the diffs and the final status.
    expect(events.map((event) => event.type).slice(-3)).toEqual(['check', 'file_changed', 'status']);
    expect(requests).toHaveLength(2);
  });

  it('sends failing checks back to the model, which repairs them', async () => {
    const { turn, requests, runs } = harness({
      script: [
        write('src/auth.ts', 'export const auth: number = "x";\n'),
        say('Done.'),
        write('src/auth.ts', 'export const auth: number = 1;\n'),
        say('Fixed the type.'),
      ],
      run: (_command, files) =>
        files.get('src/auth.ts')?.includes('"x"')
          ? fail("src/auth.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.")
          : ok(),
    });
    const outcome = await turn;
    expect(outcome.status).toBe('done');
    expect(runs).toHaveLength(2);
    expect(outcome.checks.map((check) => check.passed)).toEqual([false, true]);
    expect(outcome.checks[0]!.output).toContain('error TS2322');
    expect(outcome.checks[0]!.output).toContain('(exit code 2)');
    const repair = lastUserText(requests[2]!);
    expect(repair).toContain('typecheck');
    expect(repair).toContain('npm run typecheck --silent');
    expect(repair).toContain("error TS2322: Type 'string' is not assignable");
    expect(outcome.text).toBe('Done.\n\nFixed the type.');
    // The transcript stays a valid conversation: the repair request is a user message after the answer.
    expect(outcome.transcript.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
  });

  it('gives up after the bounded repair rounds with the failed check recorded', async () => {
    const { turn, requests, runs } = harness({
      script: [
        write('src/auth.ts', 'broken'),
        say('Done.'),
        say('I think it is fine.'),
        say('Still fine.'),
        say('never asked'),
      ],
      run: () => fail('error: still broken'),
    });
    const outcome = await turn;
    expect(outcome.status).toBe('done');
    expect(requests).toHaveLength(2 + MAX_REPAIR_ROUNDS);
    expect(runs).toHaveLength(1 + MAX_REPAIR_ROUNDS);
    expect(outcome.checks).toHaveLength(1 + MAX_REPAIR_ROUNDS);
    expect(outcome.checks.at(-1)).toMatchObject({ name: 'typecheck', passed: false });
  });

  it('does not start a repair round the iteration budget cannot pay for', async () => {
    const { turn, requests } = harness({
      script: [write('src/auth.ts', 'broken'), say('Done.'), say('never asked')],
      run: () => fail('error'),
      maxIterations: 2,
    });
    const outcome = await turn;
    expect(outcome.status).toBe('done');
    expect(requests).toHaveLength(2);
    expect(outcome.checks).toMatchObject([{ passed: false }]);
  });

  it('runs no checks when the turn changed no files', async () => {
    const { turn, runs, events } = harness({ script: [say('The app uses Express.')] });
    const outcome = await turn;
    expect(outcome.status).toBe('done');
    expect(runs).toEqual([]);
    expect(outcome.checks).toEqual([]);
    expect(events.some((event) => event.type === 'check')).toBe(false);
  });

  it('runs no checks when the template declares none', async () => {
    const { turn, runs } = harness({ script: [write('a.txt', 'a'), say('Done.')], checks: [] });
    expect((await turn).status).toBe('done');
    expect(runs).toEqual([]);
  });

  it('skips the checks silently when the container is not running', async () => {
    const { turn, runs, events } = harness({
      script: [write('src/auth.ts', 'x'), say('Done.')],
      checks: [
        { name: 'typecheck', command: 'tsc' },
        { name: 'lint', command: 'eslint .' },
      ],
      run: () => {
        throw new AppError('conflict', 'The container is not running');
      },
    });
    const outcome = await turn;
    expect(outcome.status).toBe('done');
    expect(outcome.error).toBeNull();
    expect(runs).toEqual(['tsc']);
    expect(outcome.checks).toEqual([]);
    expect(events.some((event) => event.type === 'check')).toBe(false);
  });

  it('reports a check that timed out as failed', async () => {
    const { turn } = harness({
      script: [write('src/auth.ts', 'x'), say('Done.'), say('ok'), say('ok')],
      run: () => ({ exitCode: null, output: 'partial', timedOut: true, truncated: false }),
    });
    const outcome = await turn;
    expect(outcome.checks[0]).toMatchObject({ passed: false });
    expect(outcome.checks[0]!.output).toContain('timed out');
  });

  it('keeps only the tail of a long check output', async () => {
    const { turn } = harness({
      script: [write('src/auth.ts', 'x'), say('Done.')],
      run: () => ok(`${'x'.repeat(10_000)}END`),
    });
    const outcome = await turn;
    expect(outcome.checks[0]!.output.length).toBeLessThanOrEqual(4_001);
    expect(outcome.checks[0]!.output.endsWith('END')).toBe(true);
  });

  it('stops when cancelled while a check runs', async () => {
    const h = harness({
      script: [write('src/auth.ts', 'x'), say('Done.'), say('never asked')],
      run: () => {
        // The user stops the turn while the check runs; the check still answers (the run was not killed).
        h.controller.abort(new AppError('bad_request', 'Stopped by the user'));
        return fail('late');
      },
    });
    const outcome = await h.turn;
    expect(outcome.status).toBe('cancelled');
    expect(h.requests).toHaveLength(2);
    expect(outcome.checks).toEqual([]);
  });
});
