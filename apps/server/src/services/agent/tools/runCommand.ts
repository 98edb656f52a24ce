import { z } from 'zod';
import type { AgentTool } from './agentTool.js';
import { byteLength, formatBytes, headBytes, tailBytes } from './toolSupport.js';

/** What the model sees of a command's output: the start (what ran) and the end (where errors are). */
export const runCommandOutputCap = 30 * 1024;
const headCap = 4 * 1024;
/** What the container is asked to keep, so the cut can be made (and measured) here. */
const collectedBytes = 256 * 1024;
export const maxTimeoutSeconds = 600;

const input = z.strictObject({
  command: z
    .string()
    .min(1)
    .max(10_000)
    .describe("A shell command line, run with `sh -c` in /workspace, e.g. 'npm test' or 'ls -la src'."),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(maxTimeoutSeconds)
    .default(60)
    .describe(
      `Seconds before the command is killed (1–${maxTimeoutSeconds}). Raise it for slow installs or builds.`,
    ),
});

export type RunCommandInput = z.infer<typeof input>;

export const runCommandTool: AgentTool<RunCommandInput> = {
  name: 'run_command',
  description:
    "Run a shell command in the project's container (`sh -c`, working directory /workspace, the project's " +
    'files) and return its exit code and combined output. Use it to install packages, run tests, type-check, ' +
    'build, or inspect the environment. Commands are not interactive: pass flags such as --yes instead of ' +
    "waiting for input. Don't start the app's dev server here (it never exits, so it runs until the timeout): " +
    'the preview already runs it; use read_logs to see its output. Output over ' +
    `${formatBytes(runCommandOutputCap)} is cut in the middle, keeping the start and the end.`,
  input,
  needs: 'execute',
  async run({ command, timeoutSeconds }, context) {
    const result = await context.run(command, {
      timeoutMs: timeoutSeconds * 1000,
      maxOutputBytes: collectedBytes,
    });
    const output = cleanOutput(result.output);
    const status = result.timedOut
      ? `The command timed out after ${timeoutSeconds} s; the process was killed. ` +
        'If it is a server or watcher, it will never exit on its own; otherwise raise timeoutSeconds ' +
        `(max ${maxTimeoutSeconds}) or make it faster.`
      : result.exitCode === null
        ? 'The command was killed before it exited (no exit code); it may have run out of memory.'
        : `Exit code: ${result.exitCode}`;
    const body = output.trim() === '' ? '(no output)' : capOutput(output, result.truncated);
    return {
      output: `${status}\n${result.timedOut ? 'Output before it was killed:' : 'Output:'}\n${body}`,
      isError: result.timedOut || result.exitCode === null,
    };
  },
};

/** Drops terminal colour codes and progress-bar redraws (`\r`), which cost tokens and say nothing. */
export function cleanOutput(raw: string): string {
  return (
    raw
      // eslint-disable-next-line no-control-regex -- ANSI escape sequences are control characters
      .replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g, '')
      .replace(/\r\n/g, '\n')
      .split('\n')
      .map((line) => {
        const segments = line.split('\r').filter((segment) => segment !== '');
        return segments[segments.length - 1] ?? '';
      })
      .join('\n')
  );
}

function capOutput(output: string, alreadyCut: boolean): string {
  const total = byteLength(output);
  if (total <= runCommandOutputCap) {
    return alreadyCut ? `${output}\n[The output was longer than this; part of its middle was cut.]` : output;
  }
  const head = headBytes(output, headCap);
  const tail = tailBytes(output, runCommandOutputCap - headCap);
  const cut = total - byteLength(head) - byteLength(tail);
  const amount = alreadyCut ? `more than ${formatBytes(cut)}` : formatBytes(cut);
  return (
    `${head.endsWith('\n') ? head : `${head}\n`}` +
    `[… ${amount} of output cut here; showing the first ${formatBytes(byteLength(head))} and the last ` +
    `${formatBytes(byteLength(tail))}. To see the rest, rerun with the output redirected to a file and ` +
    `search or read it, or pipe it through grep/tail …]\n${tail}`
  );
}
