import { z } from 'zod';

/** Chosen by the client (one per terminal tab), so that a reload reconnects to the same shell. */
export const TerminalIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (1-64)');

export const TerminalParamsSchema = z.strictObject({ id: z.uuid(), terminalId: TerminalIdSchema });

export const TerminalQuerySchema = z.strictObject({
  cols: z.coerce.number().int().min(1).max(1000).optional(),
  rows: z.coerce.number().int().min(1).max(1000).optional(),
});

export const TerminalInfoSchema = z.object({
  id: TerminalIdSchema,
  createdAt: z.string(),
  lastActivityAt: z.string(),
  /** Open sockets (browser tabs) showing it; 0 while it waits for a reconnect. */
  attached: z.number().int(),
  cols: z.number().int(),
  rows: z.number().int(),
});
export type TerminalInfo = z.infer<typeof TerminalInfoSchema>;
export const TerminalListSchema = z.array(TerminalInfoSchema);

/**
 * Text frames from the client; binary frames are keystrokes. The server sends binary frames of terminal
 * output and text frames `{type:'ready', replayedBytes}` (after the scrollback replay) and `{type:'exit', code}`.
 */
export const TerminalClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('resize'),
    cols: z.number().int().min(1).max(1000),
    rows: z.number().int().min(1).max(1000),
  }),
  z.strictObject({ type: z.literal('input'), data: z.string().max(65_536) }),
]);
export type TerminalClientMessage = z.infer<typeof TerminalClientMessageSchema>;

/** WebSocket close codes of a terminal besides the error table's: the shell ended, or sat idle too long. */
export const terminalCloseCodes = { exited: 1000, idle: 4408 } as const;
