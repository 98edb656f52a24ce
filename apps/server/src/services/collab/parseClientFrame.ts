import {
  IdSchema,
  ProjectSocketClientMessageSchema,
  type ProjectSocketClientMessage,
} from '@vaporform/contracts';

export type ParsedFrame =
  | { ok: true; message: ProjectSocketClientMessage }
  /** `projectId` when the frame named a valid one, so the client can tell which request failed. */
  | { ok: false; projectId: string | null; message: string };

/** A client frame of `/api/ws`: JSON text matching `ProjectSocketClientMessageSchema`, or why not. */
export function parseClientFrame(data: Buffer, isBinary: boolean): ParsedFrame {
  if (isBinary) return { ok: false, projectId: null, message: 'Send JSON text frames, not binary ones' };
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    return { ok: false, projectId: null, message: 'The frame is not valid JSON' };
  }
  const parsed = ProjectSocketClientMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const named = IdSchema.safeParse((json as { projectId?: unknown } | null)?.projectId);
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`)
    .join('; ');
  return {
    ok: false,
    projectId: named.success ? named.data : null,
    // Bounded: the client's own input echoed back must not make a large frame larger.
    message: `Invalid message (${problems})`.slice(0, 300),
  };
}
