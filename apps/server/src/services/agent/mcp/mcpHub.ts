import { createHash } from 'node:crypto';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Logger } from 'pino';
import { KeyedMutex } from '../../../platform/concurrency/KeyedMutex.js';
import { AppError, isAppError } from '../../../platform/errors/AppError.js';
import type { EventBus } from '../../../platform/events/EventBus.js';
import type { Disposable } from '../../../platform/lifecycle/DisposableStore.js';
import type { ContainersService } from '../../containers/index.js';
import type { FilesService } from '../../files/index.js';
import { ContainerStdioTransport } from './containerStdioTransport.js';
import { mcpConfigFile, parseMcpConfig, type McpServerConfig } from './mcpConfig.js';
import { describeMcpError, McpConnection, type DiagnosableTransport } from './mcpConnection.js';
import { McpHostPolicy } from './mcpHostPolicy.js';
import { toMcpToolInfo, type McpToolInfo } from './mcpToolInfo.js';
import { mcpToolOutput } from './mcpToolOutput.js';

export interface McpHubOptions {
  /** Stdio servers run in the project's container, as the user who asked. */
  containers: Pick<ContainersService, 'openPipe' | 'touch'>;
  /** `.mcp.json` is read through the files service, confined to the workspace like every agent read. */
  files: Pick<FilesService, 'read'>;
  /** `container.stopped` closes the project's connections. */
  events?: EventBus;
  /** VAPORFORM_MCP_ALLOWED_HOSTS: hosts HTTP servers may be on even at private or loopback addresses. */
  allowedHosts: readonly string[];
  /** Sent to servers in the handshake. */
  clientVersion: string;
  logger?: Logger;
  /** Close a connection nobody used for this long (5 min). */
  idleMs?: number;
  /** Starting a server and its handshake (60 s: `npx` may download the server first). */
  connectTimeoutMs?: number;
  /** Listing a server's tools (30 s). */
  listTimeoutMs?: number;
  /** One tool call (60 s). */
  callTimeoutMs?: number;
  /** What the model is told of one result (16 KiB). */
  maxOutputBytes?: number;
}

export interface McpToolList {
  tools: McpToolInfo[];
  /** Servers that failed to start, tools left out, mistakes in `.mcp.json`: one sentence each. */
  problems: string[];
}

export interface McpCallResult {
  output: string;
  isError: boolean;
}

interface ServerSlot {
  config: McpServerConfig;
  fingerprint: string;
  connection: Promise<McpConnection> | null;
  lastUsed: number;
  busy: number;
  /** Its `.mcp.json` changed or the hub is closing: it must not connect again. */
  retired: boolean;
}

interface ProjectState {
  /** Of `.mcp.json` as it was read: a different hash means servers to reconnect. */
  hash: string;
  slots: ServerSlot[];
  configProblems: string[];
  /** From the last `tools()`: what `call` may run. */
  tools: Map<string, { info: McpToolInfo; slot: ServerSlot }>;
}

/**
 * The MCP servers of every project, for the agent: reads `.mcp.json`, starts stdio servers in the project
 * container or reaches HTTP servers through the SSRF guard, lists their tools and calls them. Connections
 * are kept per project and closed when idle, when `.mcp.json` changes, when the container stops, and on
 * dispose. Nothing a server does fails a turn: it becomes a problem or an error result.
 */
export class McpHub implements Disposable {
  readonly #projects = new Map<string, ProjectState>();
  readonly #reads = new KeyedMutex();
  readonly #hosts: McpHostPolicy;
  readonly #sweeper: NodeJS.Timeout;
  readonly #subscription: Disposable | null;
  readonly #timing: { idleMs: number; connectMs: number; listMs: number; callMs: number };
  readonly #maxOutputBytes: number;
  #disposed = false;

  constructor(private readonly options: McpHubOptions) {
    this.#hosts = new McpHostPolicy(options.allowedHosts);
    this.#timing = {
      idleMs: options.idleMs ?? 5 * 60_000,
      connectMs: options.connectTimeoutMs ?? 60_000,
      listMs: options.listTimeoutMs ?? 30_000,
      callMs: options.callTimeoutMs ?? 60_000,
    };
    this.#maxOutputBytes = options.maxOutputBytes ?? 16 * 1024;
    this.#sweeper = setInterval(
      () => void this.#closeIdle(),
      Math.max(1_000, Math.min(60_000, this.#timing.idleMs / 2)),
    );
    this.#sweeper.unref();
    this.#subscription =
      options.events?.subscribe('container.stopped', ({ projectId }) => this.#closeConnections(projectId)) ??
      null;
  }

  /** The project's MCP tools, starting servers that are not running; `.mcp.json` is read again each time. */
  async tools(projectId: string, userId: string): Promise<McpToolList> {
    this.#checkOpen();
    return this.#reads.run(projectId, async () => {
      const state = await this.#state(projectId);
      if (state === null) return { tools: [], problems: [] };
      const problems = [...state.configProblems];
      const tools = new Map<string, { info: McpToolInfo; slot: ServerSlot }>();
      const listed = await Promise.all(state.slots.map((slot) => this.#list(projectId, userId, slot)));
      for (const [index, slot] of state.slots.entries()) {
        const where = `MCP server '${slot.config.name}'`;
        const result = listed[index] ?? [];
        if (typeof result === 'string') {
          problems.push(`${where}: ${result}`);
          continue;
        }
        for (const raw of result) {
          const info = toMcpToolInfo(slot.config.name, slot.fingerprint, raw);
          if (typeof info === 'string') problems.push(`${where}: ${info}`);
          else if (tools.has(info.name)) problems.push(`${where}: tool '${info.tool}' is listed twice`);
          else tools.set(info.name, { info, slot });
        }
      }
      state.tools = tools;
      return { tools: [...tools.values()].map(({ info }) => info), problems };
    });
  }

  /**
   * Runs `name` (from the last `tools()` of the project) with `input`. Failures, time-outs included, come
   * back as `isError` results the model can read; an aborted `signal` rejects with its reason.
   */
  async call(
    projectId: string,
    userId: string,
    name: string,
    input: unknown,
    signal: AbortSignal,
  ): Promise<McpCallResult> {
    signal.throwIfAborted();
    this.#checkOpen();
    const entry = this.#projects.get(projectId)?.tools.get(name);
    if (entry === undefined) {
      return { output: `There is no MCP tool named '${name}' in this project.`, isError: true };
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return { output: `The input for ${name} must be a JSON object.`, isError: true };
    }
    const { info, slot } = entry;
    slot.busy++;
    slot.lastUsed = Date.now();
    try {
      const connection = await untilAborted(this.#connection(projectId, userId, slot), signal);
      if (slot.config.transport === 'stdio') this.options.containers.touch(projectId);
      const result = await connection.callTool(info.tool, input as Record<string, unknown>, {
        signal,
        timeoutMs: this.#timing.callMs,
      });
      return mcpToolOutput(result, this.#maxOutputBytes);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      // Already in words: McpConnection explains SDK failures, the rest are AppErrors.
      const reason = error instanceof Error ? error.message : String(error);
      return { output: `${name} failed: MCP server '${info.server}': ${reason}`, isError: true };
    } finally {
      slot.busy--;
      slot.lastUsed = Date.now();
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    clearInterval(this.#sweeper);
    await this.#subscription?.dispose();
    const states = [...this.#projects.values()];
    this.#projects.clear();
    await Promise.all(states.map((state) => this.#retire(state)));
    this.#hosts.dispose();
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────────────

  /** The project's servers as `.mcp.json` declares them now; null when it declares none. */
  async #state(projectId: string): Promise<ProjectState | null> {
    const { text, problem } = await this.#readConfig(projectId);
    const hash = createHash('sha256')
      .update(text ?? problem ?? '')
      .digest('hex');
    const current = this.#projects.get(projectId);
    if (current?.hash === hash) return current;
    if (current !== undefined) {
      this.#projects.delete(projectId);
      await this.#retire(current);
    }
    if (text === null && problem === null) return null;
    const parsed = text === null ? { servers: [], problems: [] } : parseMcpConfig(text);
    const state: ProjectState = {
      hash,
      slots: parsed.servers.map((config) => ({
        config,
        fingerprint: fingerprintOf(config),
        connection: null,
        lastUsed: Date.now(),
        busy: 0,
        retired: false,
      })),
      configProblems: problem === null ? parsed.problems : [problem],
      tools: new Map(),
    };
    this.#projects.set(projectId, state);
    return state;
  }

  async #readConfig(projectId: string): Promise<{ text: string | null; problem: string | null }> {
    try {
      const file = await this.options.files.read(projectId, mcpConfigFile);
      return { text: file.content.toString('utf8'), problem: null };
    } catch (error) {
      if (isAppError(error) && error.code === 'not_found') return { text: null, problem: null };
      return { text: null, problem: `${mcpConfigFile} could not be read: ${describeMcpError(error, 0, '')}` };
    }
  }

  /** The server's tools, or why there are none. */
  async #list(projectId: string, userId: string, slot: ServerSlot): Promise<unknown[] | string> {
    slot.lastUsed = Date.now();
    try {
      const connection = await this.#connection(projectId, userId, slot);
      const tools = await connection.listTools(this.#timing.listMs);
      slot.lastUsed = Date.now();
      return tools;
    } catch (error) {
      // A server that cannot list its tools is stuck or broken: the next turn starts it afresh.
      await this.#closeSlot(slot);
      return error instanceof Error ? error.message : String(error);
    }
  }

  /** The slot's live connection, opened when there is none (or it died); concurrent callers share one. */
  async #connection(projectId: string, userId: string, slot: ServerSlot): Promise<McpConnection> {
    for (;;) {
      const pending = slot.connection;
      if (pending === null) break;
      const connection = await pending.catch(() => null);
      if (connection !== null && !connection.closed) return connection;
      if (slot.connection === pending) slot.connection = null;
    }
    if (slot.retired || this.#disposed) {
      throw new AppError('conflict', `${mcpConfigFile} changed; the MCP tools are read again next turn`);
    }
    const opening = this.#open(projectId, userId, slot);
    slot.connection = opening;
    const forget = () => {
      if (slot.connection === opening) slot.connection = null;
    };
    opening.then((connection) => connection.onClosed(forget), forget);
    return opening;
  }

  async #open(projectId: string, userId: string, slot: ServerSlot): Promise<McpConnection> {
    const { config } = slot;
    let transport: DiagnosableTransport;
    if (config.transport === 'stdio') {
      transport = new ContainerStdioTransport(
        () =>
          this.options.containers.openPipe(projectId, userId, [config.command, ...config.args], {
            env: config.env,
          }),
        config.command,
      );
    } else {
      const url = new URL(config.url);
      await this.#hosts.check(url);
      transport = new StreamableHTTPClientTransport(url, {
        fetch: this.#hosts.fetch,
        requestInit: { headers: config.headers },
      });
    }
    const connection = await McpConnection.open(config.name, transport, {
      timeoutMs: this.#timing.connectMs,
      clientVersion: this.options.clientVersion,
    });
    // Retired while it was starting: nobody will close it later.
    if (slot.retired || this.#disposed) {
      await connection.close();
      throw new AppError('conflict', `${mcpConfigFile} changed; the MCP tools are read again next turn`);
    }
    return connection;
  }

  async #closeSlot(slot: ServerSlot): Promise<void> {
    const pending = slot.connection;
    slot.connection = null;
    if (pending === null) return;
    await pending.then(
      (connection) => connection.close(),
      () => undefined,
    );
  }

  async #retire(state: ProjectState): Promise<void> {
    for (const slot of state.slots) slot.retired = true;
    await Promise.all(state.slots.map((slot) => this.#closeSlot(slot)));
  }

  #closeConnections(projectId: string): void {
    const state = this.#projects.get(projectId);
    for (const slot of state?.slots ?? []) void this.#closeSlot(slot);
  }

  async #closeIdle(): Promise<void> {
    const cutoff = Date.now() - this.#timing.idleMs;
    const idle = [...this.#projects.values()]
      .flatMap((state) => state.slots)
      .filter((slot) => slot.connection !== null && slot.busy === 0 && slot.lastUsed < cutoff);
    await Promise.all(idle.map((slot) => this.#closeSlot(slot)));
    if (idle.length > 0) this.options.logger?.debug({ closed: idle.length }, 'closed idle MCP connections');
  }

  #checkOpen(): void {
    if (this.#disposed) throw new AppError('unavailable', 'The server is shutting down');
  }
}

/** What the server runs or where it is; env and headers (which may hold secrets) are left out. */
function fingerprintOf(config: McpServerConfig): string {
  const identity =
    config.transport === 'stdio' ? ['stdio', config.command, ...config.args] : ['http', config.url];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort = () => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
