import { errorTable, terminalCloseCodes } from '@vaporform/contracts';

/** Why a terminal stopped for good; each has its own sentence and whether trying again can help. */
export type TerminalEndKind =
  'exited' | 'idle' | 'unauthenticated' | 'forbidden' | 'not_found' | 'invalid' | 'unreachable';

/** What to do when a terminal's socket closes. */
export type CloseVerdict =
  | { action: 'reconnect' }
  /** 4409: the container is not running, or the user holds too many terminals (the message says which). */
  | { action: 'conflict'; message: string }
  | { action: 'end'; kind: TerminalEndKind; message: string };

/**
 * Sorts a close event: a dropped network, a restarting server or a slow link (1006, 1001, 1011-1013, 4429)
 * is worth a reconnect; an exited shell, an idle timeout or a refusal is not.
 */
export function classifyClose(code: number, reason: string, exitCode?: number | null): CloseVerdict {
  switch (code) {
    case terminalCloseCodes.exited:
      return {
        action: 'end',
        kind: 'exited',
        message:
          exitCode != null
            ? `The shell exited with code ${exitCode}.`
            : reason
              ? sentence(reason)
              : 'The shell exited.',
      };
    case terminalCloseCodes.idle:
      return {
        action: 'end',
        kind: 'idle',
        message: 'The terminal was closed after 30 minutes without activity.',
      };
    case errorTable.unauthenticated.wsClose:
      return {
        action: 'end',
        kind: 'unauthenticated',
        message: 'Your session ended. Sign in again to use the terminal.',
      };
    case errorTable.forbidden.wsClose:
      return {
        action: 'end',
        kind: 'forbidden',
        message: reason ? sentence(reason) : 'You no longer have permission to run commands in this project.',
      };
    case errorTable.not_found.wsClose:
      return {
        action: 'end',
        kind: 'not_found',
        message: reason ? sentence(reason) : 'The project no longer exists.',
      };
    case errorTable.bad_request.wsClose:
      return {
        action: 'end',
        kind: 'invalid',
        message: reason ? sentence(reason) : 'The terminal request was refused.',
      };
    case errorTable.conflict.wsClose:
      return { action: 'conflict', message: reason ? sentence(reason) : 'The project is not running.' };
    default:
      return { action: 'reconnect' };
  }
}

/** Close reasons come without a full stop; messages shown in the UI have one. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** Delays between reconnect attempts; the last one repeats. */
export const reconnectDelaysMs = [500, 1000, 2000, 4000, 8000, 15_000] as const;
/** After this many failed attempts in a row the terminal stops trying and offers a restart button. */
export const maxReconnectAttempts = 12;

/**
 * The wait before reconnect attempt `attempt` (0-based), with ±20 % jitter so that the tabs of a restarted
 * server do not all come back in the same millisecond.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = reconnectDelaysMs[Math.min(Math.max(attempt, 0), reconnectDelaysMs.length - 1)] ?? 15_000;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Ends that a restart button can fix: not a lost session or lost access, which a retry only repeats. */
export function canRestart(kind: TerminalEndKind): boolean {
  return kind !== 'unauthenticated' && kind !== 'not_found';
}
