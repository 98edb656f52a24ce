import { errorTable, type ErrorBody, type ErrorCode } from '@vaporform/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type AppErrorIssue } from '../errors/AppError.js';

const fastifyCodes: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'bad_request', message: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'bad_request',
    message: 'The request body is empty but its content type says JSON',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'bad_request',
    message: 'The Content-Length header does not match the body',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message: 'This route does not accept that Content-Type (JSON routes take application/json)',
  },
  FST_ERR_BAD_URL: { code: 'bad_request', message: 'The URL is malformed' },
};

const byStatus: Partial<Record<number, ErrorCode>> = Object.fromEntries(
  Object.entries(errorTable).map(([code, entry]) => [entry.status, code as ErrorCode]),
);

interface ValidationItem {
  instancePath?: string;
  message?: string;
}

function validationIssues(error: FastifyError): AppErrorIssue[] {
  const context = error.validationContext ?? 'request';
  return ((error.validation ?? []) as ValidationItem[]).map((item) => ({
    path: [context, ...(item.instancePath ?? '').split('/').filter(Boolean)].join('.'),
    message: item.message ?? 'is invalid',
  }));
}

/** Turns any thrown value into the one error model. Internals go to the log, never to the client. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    const issues = validationIssues(fastifyError as FastifyError);
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return new AppError('validation_failed', `Invalid request: ${summary}`, { issues, cause: error });
  }
  // PostgreSQL refuses NUL in text (SQLSTATE 22021): that is the client's input, not a server fault.
  if (fastifyError.code === '22021') {
    return new AppError('validation_failed', 'Text must not contain NUL characters', { cause: error });
  }
  const known = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (known) return new AppError(known.code, known.message, { cause: error });
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new AppError(byStatus[status] ?? 'bad_request', 'The request was not accepted', { cause: error });
  }
  return new AppError('internal', 'Something went wrong on the server; the request id helps find out what', {
    cause: error,
  });
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const appError = toAppError(error);
  if (appError.code === 'internal') request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: appError.code, reason: appError.message }, 'request refused');
  const body: ErrorBody = {
    error: {
      code: appError.code,
      message: appError.message,
      ...(appError.issues ? { issues: appError.issues } : {}),
      requestId: request.id,
    },
  };
  if (appError.code === 'unauthenticated') {
    // git asks for credentials only when challenged with Basic; browsers would show a dialog for it.
    const gitClient = request.url.startsWith('/git/');
    reply.header(
      'www-authenticate',
      gitClient ? 'Basic realm="Vaporform git", charset="UTF-8"' : 'Bearer realm="Vaporform"',
    );
  }
  return reply.code(appError.status).type('application/json; charset=utf-8').send(body);
}
