import path from 'node:path';
import watcher, { type AsyncSubscription } from '@parcel/watcher';
import type { EventBus } from '../../platform/events/EventBus.js';
import type { Disposable } from '../../platform/lifecycle/DisposableStore.js';

interface Watch {
  subscription: Promise<AsyncSubscription>;
  holders: number;
}

const kinds = { create: 'created', update: 'modified', delete: 'deleted' } as const;

/**
 * Publishes `file.changed` for every change in a watched workspace, whoever made it (API, terminal,
 * container, agent). Uses inotify through @parcel/watcher (never polling on Linux). Watches are shared
 * and reference-counted: the first holder starts one, the last release stops it.
 */
export class WorkspaceWatcher implements Disposable {
  private readonly watches = new Map<string, Watch>();
  private readonly keepAlives = new Map<string, { release: Promise<Disposable>; timer: NodeJS.Timeout }>();

  constructor(
    private readonly events: EventBus,
    private readonly workspaceDir: (projectId: string) => string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Resolves once the watch is live: changes after that are reported. */
  async watch(projectId: string): Promise<Disposable> {
    let entry = this.watches.get(projectId);
    if (!entry) {
      const root = this.workspaceDir(projectId);
      entry = {
        holders: 0,
        subscription: watcher.subscribe(
          root,
          (error, changes) => {
            if (error) return this.onError(error);
            for (const change of changes) {
              const relative = path.relative(root, change.path).split(path.sep).join('/');
              void this.events
                .publish('file.changed', { projectId, path: relative, kind: kinds[change.type] })
                .catch(this.onError);
            }
          },
          { ignore: ['.git', 'node_modules', '**/node_modules', '**/*.vf-tmp'] },
        ),
      };
      this.watches.set(projectId, entry);
    }
    entry.holders++;
    const held = entry;
    try {
      await held.subscription;
    } catch (error) {
      this.watches.delete(projectId);
      throw error;
    }
    let released = false;
    return {
      dispose: async () => {
        if (released) return;
        released = true;
        if (--held.holders > 0) return;
        this.watches.delete(projectId);
        await (await held.subscription).unsubscribe();
      },
    };
  }

  /**
   * Keeps a project watched while it is in use: each call extends the watch by `idleMs`. The API calls it
   * on every request touching a project's files, so active projects report changes and idle ones cost
   * no inotify watches.
   */
  async touch(projectId: string, idleMs = 10 * 60_000): Promise<void> {
    const existing = this.keepAlives.get(projectId);
    if (existing) {
      existing.timer.refresh();
      return;
    }
    const release = this.watch(projectId);
    const timer = setTimeout(() => {
      this.keepAlives.delete(projectId);
      void release.then((held) => held.dispose()).catch(this.onError);
    }, idleMs);
    timer.unref();
    this.keepAlives.set(projectId, { release, timer });
    try {
      await release;
    } catch (error) {
      clearTimeout(timer);
      this.keepAlives.delete(projectId);
      throw error;
    }
  }

  isWatching(projectId: string): boolean {
    return this.watches.has(projectId);
  }

  /** Stops one project's watch at once, whatever its holders (the project is being deleted). */
  async stop(projectId: string): Promise<void> {
    clearTimeout(this.keepAlives.get(projectId)?.timer);
    this.keepAlives.delete(projectId);
    const entry = this.watches.get(projectId);
    if (!entry) return;
    this.watches.delete(projectId);
    await (await entry.subscription).unsubscribe();
  }

  async dispose(): Promise<void> {
    for (const { timer } of this.keepAlives.values()) clearTimeout(timer);
    this.keepAlives.clear();
    const entries = [...this.watches.values()];
    this.watches.clear();
    await Promise.all(entries.map(async (entry) => (await entry.subscription).unsubscribe()));
  }
}
