import { setTimeout as delay } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResultSchema,
  ErrorCode,
  McpError,
  ToolListChangedNotificationSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { AppError } from '../../../platform/errors/AppError.js';

/** A transport that can say why its server went away (the stdio one can: exit code and stderr). */
export type DiagnosableTransport = Transport & { diagnostics?: () => string };

/** Tools are read loosely: one malformed tool is left out by the hub, not a reason to drop the server. */
const ToolListSchema = z.object({
  tools: z.array(z.unknown()),
  nextCursor: z.string().optional(),
});

/** A server that pages forever, or lists more tools than a model could use, is cut off here. */
const maxPages = 10;
const maxTools = 500;

export interface ConnectOptions {
  /** For the MCP handshake (`initialize`). */
  timeoutMs: number;
  clientVersion: string;
}

/** One live MCP session with one server: the handshake done, tools listed on demand. */
export class McpConnection {
  #closed = false;
  #tools: Promise<unknown[]> | null = null;
  readonly #onClosed = new Set<() => void>();

  private constructor(
    readonly server: string,
    private readonly client: Client,
    private readonly transport: DiagnosableTransport,
  ) {
    client.onclose = () => {
      this.#closed = true;
      for (const listener of this.#onClosed) listener();
    };
    // Out-of-band trouble (a dropped SSE stream the SDK reconnects): requests still fail on their own.
    client.onerror = () => undefined;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.#tools = null;
    });
  }

  /** Starts the transport and shakes hands; rejects with a message that says what went wrong. */
  static async open(
    server: string,
    transport: DiagnosableTransport,
    options: ConnectOptions,
  ): Promise<McpConnection> {
    const client = new Client({ name: 'vaporform', version: options.clientVersion }, { capabilities: {} });
    const connection = new McpConnection(server, client, transport);
    try {
      await client.connect(transport, { timeout: options.timeoutMs });
    } catch (error) {
      const diagnostics = transport.diagnostics?.() ?? '';
      await connection.close();
      throw new Error(
        [describeMcpError(error, options.timeoutMs, 'start'), diagnostics].filter(Boolean).join('; '),
        { cause: error },
      );
    }
    return connection;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Called once the session ends, whoever ended it. */
  onClosed(listener: () => void): void {
    if (this.#closed) listener();
    else this.#onClosed.add(listener);
  }

  /** The server's tools as it sent them (unvalidated), cached until it says the list changed. */
  listTools(timeoutMs: number): Promise<unknown[]> {
    if (this.#tools === null) {
      const listing = this.#listAll(timeoutMs);
      // A failed listing is not cached: the next turn asks again.
      listing.catch(() => {
        if (this.#tools === listing) this.#tools = null;
      });
      this.#tools = listing;
    }
    return this.#tools;
  }

  async #listAll(timeoutMs: number): Promise<unknown[]> {
    const tools: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxPages && tools.length < maxTools; page++) {
      const result = await this.client
        .request({ method: 'tools/list', params: cursor === undefined ? {} : { cursor } }, ToolListSchema, {
          timeout: timeoutMs,
        })
        .catch((error: unknown) => {
          throw new Error(this.#explain(error, timeoutMs, 'list its tools'), { cause: error });
        });
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    return tools.slice(0, maxTools);
  }

  /** Rejects with the signal's reason when aborted, else with a message for the model. */
  async callTool(
    tool: string,
    input: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<CallToolResult> {
    try {
      return await this.client.request(
        { method: 'tools/call', params: { name: tool, arguments: input } },
        CallToolResultSchema,
        { signal: options.signal, timeout: options.timeoutMs },
      );
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      throw new Error(this.#explain(error, options.timeoutMs, `run '${tool}'`), { cause: error });
    }
  }

  async close(): Promise<void> {
    const wasOpen = !this.#closed;
    this.#closed = true;
    // An HTTP server keeps a session until told it is over; a server that does not answer is not waited for.
    const terminate = (this.transport as { terminateSession?: () => Promise<void> }).terminateSession;
    if (wasOpen && terminate) {
      await Promise.race([
        terminate.call(this.transport).catch(() => undefined),
        delay(2_000, undefined, { ref: false }),
      ]);
    }
    await this.client.close().catch(() => undefined);
  }

  #explain(error: unknown, timeoutMs: number, action: string): string {
    const diagnostics = this.#closed ? (this.transport.diagnostics?.() ?? '') : '';
    return [describeMcpError(error, timeoutMs, action), diagnostics].filter(Boolean).join('; ');
  }
}

/** An SDK, network or AppError failure in words: what failed and why, without the SDK's error codes. */
export function describeMcpError(error: unknown, timeoutMs: number, action: string): string {
  if (error instanceof McpError) {
    if (error.code === (ErrorCode.RequestTimeout as number)) {
      return `the server did not ${action} within ${Math.round(timeoutMs / 1000)} s`;
    }
    if (error.code === (ErrorCode.ConnectionClosed as number)) return 'the server closed the connection';
    return `the server could not ${action}: ${error.message.replace(/^MCP error -?\d+: /, '')}`;
  }
  if (error instanceof AppError) {
    const issues = (error.issues ?? []).map((issue) => `${issue.path} ${issue.message}`);
    return issues.length > 0 ? `${error.message} (${issues.join('; ')})` : error.message;
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? error.cause.message : '';
    return cause !== '' && !error.message.includes(cause) ? `${error.message}: ${cause}` : error.message;
  }
  return String(error);
}
