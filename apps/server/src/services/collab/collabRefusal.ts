import type { ErrorCode } from '@vaporform/contracts';
import { isAppError } from '../../platform/errors/AppError.js';

/**
 * Why `/collab` refused or closed one document, as the client sees it: the provider's `authenticationFailed`
 * or `close` event carries `reason` = `<error code>: <message>` (the codes of the one error table).
 *
 * It has no `message` on purpose: Hocuspocus prints every hook error that has one to the console, and a
 * refused document is the client's business, not a server fault.
 */
export class CollabRefusal extends Error {
  readonly reason: string;

  constructor(code: ErrorCode | 'lingering' | 'unsaved', message: string) {
    super();
    this.reason = collabReason(code, message);
  }

  /** AppErrors keep their code and message; anything else is an internal failure. */
  static from(error: unknown): CollabRefusal {
    if (error instanceof CollabRefusal) return error;
    if (isAppError(error)) return new CollabRefusal(error.code, error.message);
    return new CollabRefusal('internal', 'The document could not be opened');
  }
}

export function collabReason(code: string, message: string): string {
  // The reason travels in a WebSocket-sized frame, but keep it readable in a status line.
  return `${code}: ${message}`.slice(0, 300);
}
