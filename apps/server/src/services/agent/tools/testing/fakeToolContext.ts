import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { AppError } from '../../../../platform/errors/AppError.js';
import type { AgentTool, ToolContext } from '../agentTool.js';

type RunResult = Awaited<ReturnType<ToolContext['run']>>;
type RunOptions = Parameters<ToolContext['run']>[1];

export interface FakeToolContext extends ToolContext {
  root: string;
  /** `beforeWrite:<path>`, `write:<path>`, `read:<path>` … in the order they happened. */
  events: string[];
  runs: { command: string; options: RunOptions }[];
  /** Writes a workspace file directly (test setup; not recorded). */
  put(relative: string, content: string | Buffer): Promise<void>;
  /** Reads a workspace file directly. */
  get(relative: string): Promise<string>;
  abort(reason?: unknown): void;
  dispose(): Promise<void>;
}

/**
 * A ToolContext over a real temporary directory: files.* on node:fs with the real service's error codes,
 * a scripted `run`, fixed logs, and a log of every capability call.
 */
export async function createFakeToolContext(
  options: {
    run?: (command: string, options: RunOptions) => Promise<RunResult> | RunResult;
    logs?: { container: string[]; previewErrors: string[] };
    beforeWrite?: (path: string) => Promise<void>;
  } = {},
): Promise<FakeToolContext> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'vaporform-tools-'));
  const controller = new AbortController();
  const events: string[] = [];
  const runs: FakeToolContext['runs'] = [];

  const resolve = (relative: string) => {
    const absolute = path.resolve(root, relative);
    if (absolute !== root && !absolute.startsWith(root + path.sep)) {
      throw new AppError('forbidden', 'That path leads outside the workspace');
    }
    return absolute;
  };
  const notFound = (error: unknown, relative: string) =>
    (error as NodeJS.ErrnoException).code === 'ENOENT' ? AppError.notFound(`'${relative}'`) : error;

  async function walk(directory: string, recursive: boolean, out: string[], limit: number) {
    const entries = (await readdir(directory, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      if (out.length >= limit + 1) return;
      const relative = path.relative(root, path.join(directory, entry.name)).split(path.sep).join('/');
      out.push(entry.isDirectory() ? `${relative}/` : relative);
      if (recursive && entry.isDirectory()) await walk(path.join(directory, entry.name), true, out, limit);
    }
  }

  const context: FakeToolContext = {
    projectId: 'project-1',
    userId: 'user-1',
    signal: controller.signal,
    root,
    events,
    runs,
    files: {
      async list(directory, { recursive, limit }) {
        events.push(`list:${directory}`);
        const out: string[] = [];
        try {
          await walk(resolve(directory), recursive, out, limit);
        } catch (error) {
          throw notFound(error, directory);
        }
        return { paths: out.slice(0, limit), truncated: out.length > limit };
      },
      async read(relative) {
        events.push(`read:${relative}`);
        try {
          return await readFile(resolve(relative), 'utf8');
        } catch (error) {
          throw notFound(error, relative);
        }
      },
      async write(relative, content) {
        events.push(`write:${relative}`);
        const absolute = resolve(relative);
        const existed = await stat(absolute).then(
          () => true,
          () => false,
        );
        await mkdir(path.dirname(absolute), { recursive: true });
        await writeFile(absolute, content);
        return { existed };
      },
      async search({ pattern, regex, include, limit }) {
        events.push(`search:${pattern}`);
        const matcher = regex
          ? new RegExp(pattern, 'i')
          : new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
        const included = include ? picomatch(include, { dot: true }) : () => true;
        const paths: string[] = [];
        await walk(root, true, paths, Number.MAX_SAFE_INTEGER);
        const matches: { path: string; line: number; text: string }[] = [];
        for (const file of paths) {
          if (file.endsWith('/') || !included(file)) continue;
          const lines = (await readFile(path.join(root, file), 'utf8')).split('\n');
          for (const [index, text] of lines.entries()) {
            if (!matcher.test(text)) continue;
            if (matches.length >= limit) return { matches, truncated: true };
            matches.push({ path: file, line: index + 1, text });
          }
        }
        return { matches, truncated: false };
      },
    },
    async run(command, runOptions) {
      events.push(`run:${command}`);
      runs.push({ command, options: runOptions });
      if (!options.run) return { exitCode: 0, output: '', timedOut: false, truncated: false };
      return options.run(command, runOptions);
    },
    async logs({ lines }) {
      events.push(`logs:${lines}`);
      return options.logs ?? { container: [], previewErrors: [] };
    },
    async beforeWrite(relative) {
      events.push(`beforeWrite:${relative}`);
      await options.beforeWrite?.(relative);
    },
    async put(relative, content) {
      const absolute = resolve(relative);
      await mkdir(path.dirname(absolute), { recursive: true });
      await writeFile(absolute, content);
    },
    async get(relative) {
      return readFile(resolve(relative), 'utf8');
    },
    abort(reason) {
      controller.abort(reason);
    },
    async dispose() {
      await rm(root, { recursive: true, force: true });
    },
  };
  return context;
}

/** Runs a tool as the registry would after validation: input parsed (defaults applied), then run. */
export async function call<Input>(tool: AgentTool<Input>, input: unknown, context: ToolContext) {
  return tool.run(tool.input.parse(input), context);
}
