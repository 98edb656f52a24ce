import { afterEach, describe, expect, it } from 'vitest';
import { runCommandOutputCap, runCommandTool } from './runCommand.js';
import { call, createFakeToolContext, type FakeToolContext } from './testing/fakeToolContext.js';

let context: FakeToolContext | undefined;
afterEach(async () => {
  await context?.dispose();
  context = undefined;
});

async function runWith(
  result: { exitCode: number | null; output: string; timedOut?: boolean; truncated?: boolean },
  input: Record<string, unknown> = {},
) {
  await context?.dispose();
  context = await createFakeToolContext({
    run: () => ({ timedOut: false, truncated: false, ...result }),
  });
  return call(runCommandTool, { command: 'npm test', ...input }, context);
}

describe('run_command', () => {
  it('reports the exit code and the output', async () => {
    const result = await runWith({ exitCode: 0, output: 'ok\n' });
    expect(result).toEqual({ output: 'Exit code: 0\nOutput:\nok\n', isError: false });
    expect(context?.runs[0]).toMatchObject({ command: 'npm test', options: { timeoutMs: 60_000 } });
  });

  it('reports a failing exit code without marking the call as a tool error', async () => {
    const result = await runWith({ exitCode: 2, output: 'FAIL src/a.test.ts' });
    expect(result.output.split('\n')[0]).toBe('Exit code: 2');
    expect(result.isError).toBe(false);
  });

  it('reports a timeout clearly', async () => {
    const result = await runWith(
      { exitCode: null, output: 'waiting…', timedOut: true },
      { timeoutSeconds: 5 },
    );
    expect(result.isError).toBe(true);
    expect(result.output).toContain('The command timed out after 5 s; the process was killed.');
    expect(result.output).toContain('Output before it was killed:\nwaiting…');
    expect(context?.runs[0]?.options.timeoutMs).toBe(5000);
  });

  it('reports a process killed without an exit code', async () => {
    const result = await runWith({ exitCode: null, output: '' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('killed before it exited');
    expect(result.output).toContain('(no output)');
  });

  it('keeps the start and the end of long output and says how much was cut', async () => {
    const lines = Array.from(
      { length: 5000 },
      (_, i) => `line ${String(i + 1).padStart(5, '0')} ${'.'.repeat(40)}`,
    );
    const output = `${lines.join('\n')}\nError: the real problem\n`;
    const result = await runWith({ exitCode: 1, output });
    expect(Buffer.byteLength(result.output)).toBeLessThan(runCommandOutputCap + 1024);
    expect(result.output).toContain('line 00001');
    expect(result.output).toContain('Error: the real problem');
    expect(result.output).not.toContain('line 02500');
    const cut =
      /\[… ([\d.]+) KB of output cut here; showing the first ([\d.]+) KB and the last ([\d.]+) KB/.exec(
        result.output,
      );
    expect(cut).not.toBeNull();
    const [, cutKb, headKb, tailKb] = cut!.map(Number);
    expect(cutKb! + headKb! + tailKb!).toBeCloseTo(Buffer.byteLength(output) / 1024, 0);
    expect(context?.runs[0]?.options.maxOutputBytes).toBeGreaterThan(runCommandOutputCap);
  });

  it('says the cut is larger when the container already dropped part of the output', async () => {
    const result = await runWith({ exitCode: 1, output: 'x\n'.repeat(40_000), truncated: true });
    expect(result.output).toMatch(/\[… more than [\d.]+ KB of output cut here/);
    const short = await runWith({
      exitCode: 1,
      output: 'start\n[… 999 bytes omitted …]\nend',
      truncated: true,
    });
    expect(short.output).toContain('part of its middle was cut');
  });

  it('strips colour codes and progress-bar redraws', async () => {
    const result = await runWith({
      exitCode: 0,
      output: '\u001b[32mPASS\u001b[0m a.test.ts\n10%\r50%\r100%\r\ndone',
    });
    expect(result.output).toBe('Exit code: 0\nOutput:\nPASS a.test.ts\n100%\ndone');
  });

  it('rejects timeouts over 600 s at the schema', () => {
    expect(runCommandTool.input.safeParse({ command: 'x', timeoutSeconds: 601 }).success).toBe(false);
    expect(runCommandTool.input.safeParse({ command: 'x', timeoutSeconds: 600 }).success).toBe(true);
  });
});
