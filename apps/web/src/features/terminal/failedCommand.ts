import type { FinishedCommand } from './commandTracker';

/** What bash reports for a command stopped with Ctrl+C: the user's doing, not a failure. */
const interrupted = 130;

/**
 * The failure to offer "Fix with AI" for after `finished`: a failure replaces the one shown, a success
 * clears it (it was fixed, or the user moved on), an interrupt leaves it as it is.
 */
export function nextFailure(
  current: FinishedCommand | null,
  finished: FinishedCommand,
): FinishedCommand | null {
  if (finished.exitCode === 0) return null;
  if (finished.exitCode === interrupted) return current;
  return finished;
}

/** `text` in a code block whose fence is longer than any run of backticks in it, so that it cannot end it. */
function fenced(text: string, info = ''): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

/** The words of a "Fix with AI" request for a failed terminal command. */
export function fixCommandRequest(failure: FinishedCommand): string {
  const what = failure.command
    ? `This command failed in the terminal with exit code ${failure.exitCode}:\n\n${fenced(failure.command, 'sh')}`
    : `A command failed in the terminal with exit code ${failure.exitCode}.`;
  const output = failure.output
    ? `\n\nThe end of its output:\n\n${fenced(failure.output)}`
    : '\n\nIt printed nothing.';
  return `${what}${output}\n\nFind the cause and fix it.`;
}
