import { z } from 'zod';

/**
 * The closed set of error codes. Clients branch on `code`, never on `message`, so a code is added here
 * (with its HTTP status and WebSocket close code) or not at all.
 */
export const errorTable = {
  bad_request: { status: 400, wsClose: 4400 },
  validation_failed: { status: 400, wsClose: 4400 },
  unauthenticated: { status: 401, wsClose: 4401 },
  forbidden: { status: 403, wsClose: 4403 },
  not_found: { status: 404, wsClose: 4404 },
  method_not_allowed: { status: 405, wsClose: 4405 },
  conflict: { status: 409, wsClose: 4409 },
  precondition_failed: { status: 412, wsClose: 4412 },
  payload_too_large: { status: 413, wsClose: 1009 },
  unsupported_media_type: { status: 415, wsClose: 1003 },
  rate_limited: { status: 429, wsClose: 4429 },
  internal: { status: 500, wsClose: 1011 },
  unavailable: { status: 503, wsClose: 1013 },
} as const satisfies Record<string, { status: number; wsClose: number }>;

export type ErrorCode = keyof typeof errorTable;
export const errorCodes = Object.keys(errorTable) as [ErrorCode, ...ErrorCode[]];
export const ErrorCodeSchema = z.enum(errorCodes);

export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    /** Field-level problems for `validation_failed`: where, and what was wrong. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
