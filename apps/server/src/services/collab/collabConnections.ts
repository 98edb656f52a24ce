import type { Connection } from '@hocuspocus/server';
import { errorTable, permissionIncludes, type ProjectPermission } from '@vaporform/contracts';
import type { Principal } from '../../platform/http/policy.js';
import { collabReason } from './collabRefusal.js';

export interface TrackedConnection {
  /** `<socket id>\0<document name>`: one socket holds at most one connection per document. */
  key: string;
  connection: Connection;
  principal: Principal;
  projectId: string;
  /** null for the presence document. */
  path: string | null;
}

export interface CollabConnectionsOptions {
  permissionOf(principal: Principal, projectId: string): Promise<ProjectPermission | null>;
  credentialActive(principal: Principal): Promise<boolean>;
  sweepMs: number;
}

const revoked = collabReason('not_found', 'Project not found');
const sessionEnded = collabReason('unauthenticated', 'Your session ended');
const permissionChanged = collabReason(
  'conflict',
  'Your permission on the project changed: open the file again',
);

/**
 * The `/collab` document connections open now, each authorized when it was opened and checked again on
 * `recheck` (membership changed) and every sweep, like the project socket: lost access closes that document
 * (`not_found`), a permission that flips read-only closes it to be reopened (`conflict`), and an ended session
 * or token closes the whole socket with 4401.
 */
export class CollabConnections {
  readonly #byKey = new Map<string, TrackedConnection>();
  readonly #sweeper: NodeJS.Timeout;
  #sweeping = false;

  constructor(private readonly options: CollabConnectionsOptions) {
    this.#sweeper = setInterval(() => void this.#sweep(), options.sweepMs);
    this.#sweeper.unref();
  }

  get size(): number {
    return this.#byKey.size;
  }

  add(tracked: TrackedConnection): void {
    this.#byKey.set(tracked.key, tracked);
  }

  remove(key: string): void {
    this.#byKey.delete(key);
  }

  async recheck(projectId: string, userId: string): Promise<void> {
    const affected = [...this.#byKey.values()].filter(
      (tracked) => tracked.projectId === projectId && tracked.principal.userId === userId,
    );
    await Promise.all(
      affected.map(async (tracked) => {
        const permission = await this.options.permissionOf(tracked.principal, projectId).catch(() => null);
        this.#enforce(tracked, permission);
      }),
    );
  }

  /** Closes every connection to one document (its file went away) with `reason`. */
  closeDocument(documentName: string, reason: string): void {
    for (const tracked of [...this.#byKey.values()]) {
      if (tracked.connection.document.name === documentName) this.#close(tracked, reason);
    }
  }

  closeProject(projectId: string, reason: string): void {
    for (const tracked of [...this.#byKey.values()]) {
      if (tracked.projectId === projectId) this.#close(tracked, reason);
    }
  }

  dispose(): void {
    clearInterval(this.#sweeper);
  }

  #close(tracked: TrackedConnection, reason: string): void {
    this.#byKey.delete(tracked.key);
    // Hocuspocus sends the reason to that document's provider (its `close` event) and keeps the socket open.
    tracked.connection.close({ code: errorTable.not_found.wsClose, reason });
  }

  #enforce(tracked: TrackedConnection, permission: ProjectPermission | null): void {
    if (!this.#byKey.has(tracked.key)) return;
    if (permission === null) {
      this.#close(tracked, revoked);
      return;
    }
    const readOnly = tracked.path === null || !permissionIncludes(permission, 'write');
    if (readOnly !== tracked.connection.readOnly) this.#close(tracked, permissionChanged);
  }

  async #sweep(): Promise<void> {
    // A slow database must not stack sweeps on top of each other.
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      const credentials = new Map<string, Promise<boolean>>();
      const permissions = new Map<string, Promise<ProjectPermission | null | undefined>>();
      await Promise.allSettled(
        [...this.#byKey.values()].map(async (tracked) => {
          const { principal, projectId } = tracked;
          const credentialKey = `${principal.via}:${principal.credentialId}`;
          let active = credentials.get(credentialKey);
          if (!active) {
            // A failed check is not an ended session: the next sweep asks again.
            active = this.options.credentialActive(principal).catch(() => true);
            credentials.set(credentialKey, active);
          }
          if (!(await active)) {
            // The document first, so nothing more from it is applied while the socket's close handshake runs.
            this.#close(tracked, sessionEnded);
            tracked.connection.webSocket.close(errorTable.unauthenticated.wsClose, 'Your session ended');
            return;
          }
          const permissionKey = `${credentialKey}:${projectId}`;
          let permission = permissions.get(permissionKey);
          if (!permission) {
            // undefined: the check failed, which keeps the connection until the next sweep.
            permission = this.options.permissionOf(principal, projectId).catch(() => undefined);
            permissions.set(permissionKey, permission);
          }
          const held = await permission;
          if (held !== undefined) this.#enforce(tracked, held);
        }),
      );
    } finally {
      this.#sweeping = false;
    }
  }
}
