import { plainText } from './outputTail';

/** A command the shell reported as finished. */
export interface FinishedCommand {
  /** The command line as typed; '' when the shell did not say. */
  command: string;
  exitCode: number;
  /** The end of what it printed, as plain text. */
  output: string;
}

/** A line in the terminal's buffer that keeps pointing at it as the buffer scrolls (xterm's `IMarker`). */
export interface LineMark {
  /** -1 once the line has left the scrollback. */
  readonly line: number;
  dispose(): void;
}

/** What the tracker needs of the terminal: xterm in the app, a fake in tests. */
export interface CommandScreen {
  /** A mark on the cursor's line. */
  mark(): LineMark | undefined;
  /** The text from `line` to the cursor's line (its last `limit` characters are enough). */
  textFrom(line: number, limit: number): string;
}

/** The escapes of VS Code's protocol in a command line: `\\` and `\xAB`. */
export function decodeCommandLine(escaped: string): string {
  return escaped.replace(/\\(\\|x([0-9a-fA-F]{2}))/g, (_match, escape: string, hex: string | undefined) =>
    hex === undefined ? escape : String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/**
 * Follows the shell-integration sequences the server's shell prints (`OSC 633 ; … BEL`, VS Code's
 * protocol): `C` when a command starts (its output begins on that line), `E;<command line>`, and
 * `D;<exit code>` when it finished. Each `D` becomes a `FinishedCommand` with the output since the `C`, or
 * since the previous `D` (the prompt the command was typed at) when the shell sent no `C`.
 */
export class CommandTracker {
  #start: LineMark | undefined;
  #command = '';

  constructor(
    private readonly screen: CommandScreen,
    private readonly limit = 4000,
  ) {}

  /** One sequence's payload (what follows `633;`); a finished command when it was a `D` with an exit code. */
  handle(data: string): FinishedCommand | null {
    const [kind, value] = data.split(';');
    if (kind === 'C') {
      this.#markStart();
    } else if (kind === 'E') {
      this.#command = decodeCommandLine(value ?? '');
    } else if (kind === 'D') {
      const line = this.#start?.line ?? -1;
      const output = line < 0 ? '' : this.#tail(this.screen.textFrom(line, this.limit));
      const command = this.#command;
      this.#command = '';
      this.#markStart();
      const exitCode = Number(value);
      if (value === undefined || value === '' || !Number.isInteger(exitCode)) return null;
      return { command, exitCode, output };
    }
    return null;
  }

  /** The screen was cleared (a new socket replays the scrollback): marks from before mean nothing. */
  reset(): void {
    this.#start?.dispose();
    this.#start = undefined;
    this.#command = '';
  }

  #markStart(): void {
    this.#start?.dispose();
    this.#start = this.screen.mark();
  }

  #tail(text: string): string {
    return plainText(text).replace(/\s+$/, '').replace(/^\n+/, '').slice(-this.limit);
  }
}
