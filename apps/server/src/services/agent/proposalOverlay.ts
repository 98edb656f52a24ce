import picomatch from 'picomatch';
import { linearRegExp, normalizeRelativePath } from '../files/index.js';
import type { ToolContext } from './tools/agentTool.js';

/**
 * One spelling per workspace file (`./src/a.ts`, `src//a.ts` → `src/a.ts`), so a proposal holds each once.
 * A path the files service would refuse is kept as given: the write that follows fails with its reason.
 */
export function workspaceKey(path: string): string {
  try {
    return normalizeRelativePath(path);
  } catch {
    return path;
  }
}

/**
 * Review mode's view of the workspace: the turn's writes are held here instead of on disk, and its reads,
 * listings and searches see them, so the model works on its own proposal as if it had been written. Commands
 * still run against the files on disk (the system prompt says so).
 */
export class ProposalOverlay {
  readonly #files = new Map<string, string>();

  /**
   * `original` answers what the turn already read of a file before writing it (`beforeWrite` keeps it: null
   * for a file that did not exist), so a write does not read the file again to say whether it existed.
   */
  constructor(private readonly original: (key: string) => string | null | undefined = () => undefined) {}

  get(path: string): string | undefined {
    return this.#files.get(workspaceKey(path));
  }

  wrap(files: ToolContext['files']): ToolContext['files'] {
    return {
      read: async (path) => this.get(path) ?? files.read(path),
      write: async (path, content) => {
        const key = workspaceKey(path);
        const before = this.original(key);
        const existed =
          this.#files.has(key) ||
          (before === undefined
            ? await files.read(key).then(
                () => true,
                () => false,
              )
            : before !== null);
        this.#files.set(key, content);
        return { existed };
      },
      list: async (directory, options) => {
        const listed = await files.list(directory, options);
        const directoryKey = workspaceKey(directory);
        const prefix = directoryKey === '' ? '' : `${directoryKey}/`;
        const known = new Set(listed.paths);
        const added = [...this.#files.keys()].filter(
          (path) =>
            path.startsWith(prefix) &&
            !known.has(path) &&
            (options.recursive || !path.slice(prefix.length).includes('/')),
        );
        return {
          paths: [...listed.paths, ...added].sort().slice(0, options.limit),
          truncated: listed.truncated,
        };
      },
      search: async (query) => {
        const found = await files.search(query);
        // Held files answer from their proposed content; the copies on disk are out of date.
        const matches = found.matches.filter((match) => !this.#files.has(match.path));
        // The model's pattern runs in linear time, as the files service's search does.
        const pattern = linearRegExp(
          query.regex ? query.pattern : query.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
          false,
        );
        const included = query.include ? picomatch(query.include, { dot: true }) : () => true;
        for (const [path, content] of this.#files) {
          if (!included(path)) continue;
          content.split('\n').forEach((text, index) => {
            pattern.lastIndex = 0;
            if (pattern.test(text)) matches.push({ path, line: index + 1, text });
          });
        }
        return {
          matches: matches.slice(0, query.limit),
          truncated: found.truncated || matches.length > query.limit,
        };
      },
    };
  }
}
