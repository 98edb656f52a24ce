import { errorTable, type ErrorCode } from '@vaporform/contracts';

export interface AppErrorIssue {
  path: string;
  message: string;
}

/**
 * The one error type services throw. The edge (HTTP error handler, WebSocket close) maps `code` through
 * `errorTable`; `message` is safe to show a user and must never carry secrets or internals — put those in
 * `cause`, which is logged but never sent.
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { cause?: unknown; issues?: AppErrorIssue[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.issues = options.issues;
  }

  readonly issues: AppErrorIssue[] | undefined;

  get status(): number {
    return errorTable[this.code].status;
  }

  get wsCloseCode(): number {
    return errorTable[this.code].wsClose;
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} not found`);
  }

  static forbidden(message = 'You do not have permission to do that'): AppError {
    return new AppError('forbidden', message);
  }

  static unauthenticated(message = 'Sign in or pass a valid API token'): AppError {
    return new AppError('unauthenticated', message);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
