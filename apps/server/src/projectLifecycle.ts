import type { Logger } from 'pino';
import type { EventBus } from './platform/events/EventBus.js';
import type { Disposable } from './platform/lifecycle/DisposableStore.js';
import type { CheckpointService } from './services/checkpoints/index.js';
import type { CoEditingService, ProjectSocketService } from './services/collab/index.js';
import type { ContainersService } from './services/containers/index.js';
import type { FilesService, WorkspaceWatcher } from './services/files/index.js';
import type { ProjectAccess } from './services/projects/index.js';
import type { TerminalService } from './services/terminal/index.js';

export interface ProjectLifecycleParts {
  events: EventBus;
  projectAccess: ProjectAccess;
  terminals: TerminalService;
  projectSockets: ProjectSocketService;
  coEditing: CoEditingService;
  containers: ContainersService;
  watcher: WorkspaceWatcher;
  checkpoints: CheckpointService;
  files: FilesService;
  /** Start a new project's container as soon as it is created (`VAPORFORM_AUTOSTART`). */
  autostart: boolean;
  logger: Logger;
}

/**
 * How the services follow a project's life across service lines: membership changes re-check every open
 * socket, a new project starts, file and secret changes reach the container, a deleted project is cleaned
 * up step by step. The composition root keeps the subscriptions and disposes them with the server.
 */
export function subscribeProjectLifecycle(parts: ProjectLifecycleParts): Disposable[] {
  const { events, projectAccess, terminals, projectSockets, coEditing, containers, logger } = parts;
  const subscriptions = [
    events.subscribe('member.changed', async ({ projectId, userId }) => {
      // Forgotten first, so that the rechecks read the new membership, not the cached one.
      projectAccess.forget(projectId, userId);
      await Promise.all([
        terminals.recheck(projectId, userId),
        projectSockets.recheck(projectId, userId),
        coEditing.recheck(projectId, userId),
      ]);
    }),
    events.subscribe('file.changed', ({ projectId, path }) => containers.fileChanged(projectId, path)),
    events.subscribe('secrets.changed', ({ projectId }) => containers.secretsChanged(projectId)),
    events.subscribe('project.deleted', async ({ projectId }) => {
      projectAccess.forget(projectId);
      // Each step on its own: Docker being down must not leave the deleted project's files on disk.
      const steps: [string, () => Promise<void>][] = [
        ['terminals', () => terminals.closeProject(projectId, 'The project was deleted')],
        ['co-editing', async () => coEditing.closeProject(projectId)],
        ['container', () => containers.remove(projectId)],
        ['watcher', () => parts.watcher.stop(projectId)],
        // The checkpoint lock first: a push still running must finish before its workspace disappears.
        ['checkpoints', () => parts.checkpoints.remove(projectId)],
        ['workspace', () => parts.files.removeWorkspace(projectId)],
      ];
      for (const [step, run] of steps) {
        await run().catch((error: unknown) =>
          logger.error({ err: error, projectId, step }, 'cleaning up a deleted project failed'),
        );
      }
    }),
  ];
  if (parts.autostart && containers.available) {
    subscriptions.push(
      events.subscribe('project.created', async ({ projectId, ownerId }) => {
        await containers.start(projectId, ownerId).catch((error: unknown) => {
          // Refused (local runtime, not the owner) or failed: the IDE shows it when the project opens.
          logger.info({ err: error, projectId }, 'project container not started');
        });
      }),
    );
  }
  return subscriptions;
}
