import {
  errorTable,
  permissionIncludes,
  terminalCloseCodes,
  type ProjectPermission,
  type TerminalInfo,
} from '@vaporform/contracts';
import type { WebSocket } from 'ws';
import { AppError } from '../../platform/errors/AppError.js';
import type { Principal } from '../../platform/http/policy.js';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';
import type { TtyOptions, TtySession } from '../containers/index.js';
import { shellCommand } from './shellCommand.js';
import { TerminalSession } from './terminalSession.js';

export interface TerminalServiceOptions {
  openTty(
    projectId: string,
    principal: Principal,
    command: string[],
    options: TtyOptions,
  ): Promise<TtySession>;
  /** A terminal is in use: its project is not idle (the container service hibernates idle projects). */
  onActivity?(projectId: string): void;
  permissionOf(principal: Principal, projectId: string): Promise<ProjectPermission | null>;
  /** Whether the session or token the socket was opened with is still valid (logout, revocation). */
  credentialActive(principal: Principal): Promise<boolean>;
  /** Masks the project's secret values in the scrollback replayed on (re)attach (`[secret:NAME]`). */
  masker?(projectId: string): Promise<(text: string) => string>;
  /** How long a shell waits for its socket to come back (default 60 s). */
  graceMs?: number;
  /** A terminal with no input or output this long ends (default 30 min). */
  idleMs?: number;
  /** Bytes of output kept for replay (default 256 KiB). */
  scrollbackBytes?: number;
  /** How often permissions and idleness are checked (default 2 s: a revoked member is out within 5 s). */
  sweepMs?: number;
  /** Terminals one user may hold open in one project (default 10). */
  maxPerUser?: number;
}

interface Entry {
  session: TerminalSession;
  projectId: string;
  principal: Principal;
}

/**
 * Terminals per (project, user, terminal id). A user only ever sees and attaches to their own terminals;
 * every socket needs `execute`, checked when it connects and again on every sweep, so taking the permission
 * away closes the user's terminals within seconds.
 */
export class TerminalService implements Disposable {
  readonly #entries = new Map<string, Entry>();
  readonly #opening = new Map<string, Promise<Entry>>();
  readonly #sweeper: NodeJS.Timeout;
  readonly #settings: Required<
    Omit<TerminalServiceOptions, 'openTty' | 'permissionOf' | 'onActivity' | 'credentialActive' | 'masker'>
  >;

  constructor(private readonly options: TerminalServiceOptions) {
    this.#settings = {
      graceMs: options.graceMs ?? 60_000,
      idleMs: options.idleMs ?? 30 * 60_000,
      scrollbackBytes: options.scrollbackBytes ?? 256 * 1024,
      sweepMs: options.sweepMs ?? 2_000,
      maxPerUser: options.maxPerUser ?? 10,
    };
    this.#sweeper = setInterval(() => void this.#sweep(), this.#settings.sweepMs);
    this.#sweeper.unref();
  }

  /** Attaches the socket to the terminal, starting its shell if it is new. */
  async connect(
    socket: WebSocket,
    request: { projectId: string; principal: Principal; terminalId: string; cols: number; rows: number },
  ): Promise<void> {
    // First: attaching must not wait (output arriving before it is still in the snapshot it replays), and
    // a failure here must not leave a shell behind with no socket and no grace timer.
    const mask = await this.options.masker?.(request.projectId);
    const key = keyOf(request.projectId, request.principal.userId, request.terminalId);
    let entry = this.#entries.get(key);
    if (!entry) {
      let opening = this.#opening.get(key);
      if (!opening) {
        opening = this.#open(key, request);
        this.#opening.set(key, opening);
      }
      try {
        entry = await opening;
      } finally {
        this.#opening.delete(key);
      }
    }
    // The socket may have gone while the shell started: the shell then waits out its grace period.
    if (socket.readyState !== socket.OPEN) entry.session.releaseIfUnattached();
    else entry.session.attach(socket, mask);
  }

  list(projectId: string, userId: string): TerminalInfo[] {
    return [...this.#entries]
      .filter(([key]) => key.startsWith(keyOf(projectId, userId, '')))
      .map(([, entry]) => entry.session.info())
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Ends the user's terminal; false when there is none. */
  async close(projectId: string, userId: string, terminalId: string): Promise<boolean> {
    const entry = this.#entries.get(keyOf(projectId, userId, terminalId));
    if (!entry) return false;
    await entry.session.close(terminalCloseCodes.exited, 'The terminal was closed');
    return true;
  }

  /** The project is going away (deleted or stopped): every terminal in it ends. */
  async closeProject(projectId: string, reason: string): Promise<void> {
    const ending = [...this.#entries.values()].filter((entry) => entry.projectId === projectId);
    await Promise.all(ending.map((entry) => entry.session.close(errorTable.not_found.wsClose, reason)));
  }

  /** Checks the user's terminals in the project now (their membership changed). */
  async recheck(projectId: string, userId: string): Promise<void> {
    const affected = [...this.#entries.values()].filter(
      (entry) => entry.projectId === projectId && entry.principal.userId === userId,
    );
    await Promise.all(affected.map((entry) => this.#enforce(entry)));
  }

  async dispose(): Promise<void> {
    clearInterval(this.#sweeper);
    await Promise.allSettled(
      [...this.#entries.values()].map((entry) => entry.session.close(1001, 'The server is shutting down')),
    );
    this.#entries.clear();
  }

  async #open(
    key: string,
    request: { projectId: string; principal: Principal; terminalId: string; cols: number; rows: number },
  ): Promise<Entry> {
    const prefix = keyOf(request.projectId, request.principal.userId, '');
    const held = [...this.#entries.keys()].filter((existing) => existing.startsWith(prefix)).length;
    if (held >= this.#settings.maxPerUser) {
      throw new AppError(
        'conflict',
        `At most ${this.#settings.maxPerUser} terminals per project: close one first`,
      );
    }
    const { cols, rows } = request;
    const tty = await this.options.openTty(request.projectId, request.principal, shellCommand, {
      cols,
      rows,
    });
    const session = new TerminalSession(
      tty,
      { cols, rows },
      {
        id: request.terminalId,
        scrollbackBytes: this.#settings.scrollbackBytes,
        graceMs: this.#settings.graceMs,
        onEnded: () => {
          if (this.#entries.get(key)?.session === session) this.#entries.delete(key);
        },
      },
    );
    const entry = { session, projectId: request.projectId, principal: request.principal };
    this.#entries.set(key, entry);
    return entry;
  }

  async #sweep(): Promise<void> {
    const now = Date.now();
    await Promise.allSettled(
      [...this.#entries.values()].map(async (entry) => {
        if (now - entry.session.lastActivity > this.#settings.idleMs) {
          await entry.session.close(terminalCloseCodes.idle, 'The terminal was idle too long');
          return;
        }
        await this.#enforce(entry);
        if (entry.session.sockets.size > 0) this.options.onActivity?.(entry.projectId);
      }),
    );
  }

  async #enforce(entry: Entry): Promise<void> {
    if (!(await this.options.credentialActive(entry.principal).catch(() => true))) {
      await entry.session.close(errorTable.unauthenticated.wsClose, 'Your session ended');
      return;
    }
    const permission = await this.options.permissionOf(entry.principal, entry.projectId).catch(() => null);
    if (permission !== null && permissionIncludes(permission, 'execute')) return;
    await entry.session.close(errorTable.forbidden.wsClose, 'Your access to this project changed');
  }
}

function keyOf(projectId: string, userId: string, terminalId: string): string {
  return `${projectId}/${userId}/${terminalId}`;
}
