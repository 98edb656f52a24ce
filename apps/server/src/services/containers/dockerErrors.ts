import { AppError, isAppError } from '../../platform/errors/AppError.js';

/** Socket-level failures: the daemon is down, the socket is missing or not ours, the connection broke. */
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'EPERM',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

export interface DockerErrorMessages {
  /** For 404, e.g. "Container" → "Container not found". */
  notFound?: string;
  /** For 409 (and 403, which Docker uses for "network has active endpoints"). */
  conflict?: string;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isDockerStatus(error: unknown, ...statuses: number[]): boolean {
  const status = statusOf(error);
  return status !== undefined && statuses.includes(status);
}

/**
 * Maps a dockerode failure to the error model. Docker's own text names container ids, paths and daemon
 * internals: it goes to `cause` only (logged, never sent), the message is ours.
 */
export function dockerFailure(error: unknown, messages: DockerErrorMessages = {}): AppError {
  if (isAppError(error)) return error;
  const status = statusOf(error);
  if (status === 404)
    return new AppError('not_found', `${messages.notFound ?? 'Container'} not found`, { cause: error });
  if (status === 409 || status === 403) {
    return new AppError('conflict', messages.conflict ?? 'The container is not in a state that allows this', {
      cause: error,
    });
  }
  if (status === 400) {
    return new AppError('bad_request', 'The container engine rejected the request', { cause: error });
  }
  const code = codeOf(error);
  if ((code !== undefined && unreachableCodes.has(code)) || /socket hang up/i.test(String(error))) {
    return new AppError('unavailable', 'The container engine is not reachable', { cause: error });
  }
  return new AppError('internal', 'The container engine failed', { cause: error });
}

/** Awaits a Docker call and maps its failure. */
export async function dockerCall<T>(call: () => Promise<T>, messages?: DockerErrorMessages): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw dockerFailure(error, messages);
  }
}
