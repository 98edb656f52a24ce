import type { ErrorCode } from '@vaporform/contracts';

/** A failed API call, carrying the server's error code (branch on `code`, show `message`). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'network',
    message: string,
    readonly status: number,
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The message to show a person for any error thrown by the app. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const details = error.issues.map((issue) =>
      issue.path ? `${issue.path}: ${issue.message}` : issue.message,
    );
    return details.length > 0 ? `${error.message} (${details.join('; ')})` : error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
