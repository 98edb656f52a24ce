import type { TreeEntry } from '@vaporform/contracts';
import { AppError } from '../../platform/errors/AppError.js';
import type { ContainersService } from '../containers/index.js';
import type { FilesService } from '../files/index.js';
import type { ToolContext } from './tools/agentTool.js';

export interface ToolContextDependencies {
  files: FilesService;
  containers: ContainersService;
}

/**
 * The tools' capabilities for one turn, on the project's workspace and container only. Paths go through the
 * files service, which confines them to the workspace (no `..`, no symlink escape); commands run in the
 * project's own hardened container. The caller's permission is checked per tool by the registry.
 */
export function createToolContext(
  dependencies: ToolContextDependencies,
  turn: {
    projectId: string;
    userId: string;
    signal: AbortSignal;
    beforeWrite: (path: string) => Promise<void>;
    previewErrors: () => string[];
  },
): ToolContext {
  const { files, containers } = dependencies;
  const { projectId, userId, signal } = turn;
  return {
    projectId,
    userId,
    signal,
    beforeWrite: turn.beforeWrite,
    files: {
      async list(directory, options) {
        const { root } = await files.tree(projectId);
        const start =
          directory === '.' || directory === '' ? root : findChildren(root, directory.replace(/\/+$/, ''));
        if (start === undefined)
          throw new AppError('not_found', `'${directory}' is not a directory in the workspace`);
        const paths: string[] = [];
        // One past the limit tells a full listing from a cut one.
        const walk = (entries: TreeEntry[]) => {
          for (const entry of entries) {
            if (paths.length > options.limit) return;
            paths.push(entry.type === 'directory' ? `${entry.path}/` : entry.path);
            if (options.recursive && entry.children) walk(entry.children);
          }
        };
        walk(start);
        return { paths: paths.slice(0, options.limit), truncated: paths.length > options.limit };
      },
      async read(path) {
        const file = await files.read(projectId, path);
        if (file.binary) throw new AppError('unsupported_media_type', `'${file.path}' is a binary file`);
        return file.content.toString('utf8');
      },
      async write(path, content) {
        const result = await files.write(projectId, path, Buffer.from(content, 'utf8'));
        return { existed: !result.created };
      },
      async search(query) {
        const result = await files.search(projectId, {
          query: query.pattern,
          regex: query.regex,
          caseSensitive: false,
          include: query.include ? [query.include] : [],
          exclude: [],
          maxResults: query.limit,
        });
        return {
          matches: result.matches.map(({ path, line, text }) => ({ path, line, text })),
          truncated: result.truncated,
        };
      },
    },
    async run(command, options) {
      const result = await containers.exec(projectId, userId, ['sh', '-c', command], {
        timeoutMs: options.timeoutMs,
        maxOutputBytes: options.maxOutputBytes,
        signal,
      });
      const output = [result.stdout, result.stderr].filter((part) => part.length > 0).join('\n');
      return { exitCode: result.exitCode, output, timedOut: result.timedOut, truncated: result.truncated };
    },
    async logs(options) {
      const container: string[] = [];
      try {
        // An array when there is no container; otherwise a stream that ends by itself (not following).
        const lines = await containers.logs(projectId, { tail: options.lines, follow: false });
        for await (const line of lines) container.push(line.text);
      } catch {
        // No container (or no runtime at all) is a state to report, not a reason to hide the page errors.
      }
      return { container, previewErrors: turn.previewErrors() };
    },
  };
}

function findChildren(entries: TreeEntry[], directory: string): TreeEntry[] | undefined {
  for (const entry of entries) {
    if (entry.path === directory) return entry.type === 'directory' ? (entry.children ?? []) : undefined;
    if (entry.children && directory.startsWith(`${entry.path}/`))
      return findChildren(entry.children, directory);
  }
  return undefined;
}
