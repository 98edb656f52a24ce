import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { PipeSession } from '../../containers/index.js';

/** Enough of the server's stderr to say why it failed, not a log. */
const stderrTailChars = 2000;
/** One JSON-RPC line may not hold more than this. */
const maxLineBytes = 8 * 1024 * 1024;

/**
 * MCP's stdio transport (newline-delimited JSON-RPC) over a process in the project container, which
 * `open` starts when the client connects. The process never runs on the server's host.
 */
export class ContainerStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #buffer = new ReadBuffer({ maxBufferSize: maxLineBytes });
  #session: PipeSession | null = null;
  #state: 'new' | 'starting' | 'open' | 'closed' = 'new';
  #stderr = '';
  #exitCode: number | null | undefined;

  /** `command` is named in diagnostics. */
  constructor(
    private readonly open: () => Promise<PipeSession>,
    private readonly command: string,
  ) {}

  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('The transport was already started');
    this.#state = 'starting';
    const session = await this.open();
    // Closed while the process was starting (close() ran meanwhile): nobody is left to talk to it.
    if (this.#isClosed()) {
      await session.dispose();
      throw new Error('The transport was closed');
    }
    this.#state = 'open';
    this.#session = session;
    session.stdout.on('data', (chunk: Buffer) => this.#read(chunk));
    session.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-stderrTailChars);
    });
    session.stdout.on('error', () => undefined);
    session.stderr.on('error', () => undefined);
    void session.exited.then((code) => {
      this.#exitCode = code;
      this.#closed();
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const session = this.#session;
    if (session === null || this.#state !== 'open') throw new Error('The MCP server is not running');
    await new Promise<void>((resolve, reject) =>
      session.stdin.write(serializeMessage(message), (error) => (error ? reject(error) : resolve())),
    );
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const session = this.#session;
    this.#closed();
    await session?.dispose();
  }

  /** Why the process ended, with the last of what it wrote to stderr; empty while nothing is known. */
  diagnostics(): string {
    const stderr = this.#stderr.trim();
    const printed = stderr === '' ? '' : `it printed: ${stderr}`;
    const code = this.#exitCode;
    if (code === undefined || code === null) return printed;
    // Shell convention, which Docker's exec follows too, and it says nothing more on the stream.
    const exited =
      code === 126 || code === 127
        ? `'${this.command}' could not be run in the container: not found or not executable (exit code ${code})`
        : `the process exited with code ${code}`;
    return [exited, printed].filter(Boolean).join('; ');
  }

  #read(chunk: Buffer): void {
    try {
      this.#buffer.append(chunk);
    } catch (error) {
      this.onerror?.(error as Error);
      void this.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.#buffer.readMessage();
      } catch {
        // A line that is not JSON-RPC (servers do log to stdout): it is consumed, the next one may be.
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #closed(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#buffer.clear();
    this.onclose?.();
  }
}
