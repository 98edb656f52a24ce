import type { ProjectPermission } from '@vaporform/contracts';
import type { z } from 'zod';

/**
 * What a tool may use. Every capability is bound to the user who asked: the files and command callbacks
 * check that user's permission themselves, so a tool cannot do more than its caller could through the API.
 */
export interface ToolContext {
  projectId: string;
  userId: string;
  signal: AbortSignal;
  files: {
    /** Workspace-relative paths (files and directories, directories end with `/`), .gitignore respected. */
    list(
      directory: string,
      options: { recursive: boolean; limit: number },
    ): Promise<{ paths: string[]; truncated: boolean }>;
    read(path: string): Promise<string>;
    /** Creates parent directories; returns whether the file existed before. */
    write(path: string, content: string): Promise<{ existed: boolean }>;
    search(query: { pattern: string; regex: boolean; include?: string; limit: number }): Promise<{
      matches: { path: string; line: number; text: string }[];
      truncated: boolean;
    }>;
  };
  /** Runs `sh -c command` in the project container as the container user, in /workspace. */
  run(
    command: string,
    options: { timeoutMs: number; maxOutputBytes: number },
  ): Promise<{
    exitCode: number | null;
    output: string;
    timedOut: boolean;
    truncated: boolean;
  }>;
  /** The container log's last lines and the preview's reported page errors. */
  logs(options: { lines: number }): Promise<{ container: string[]; previewErrors: string[] }>;
  /** Called by tools that write, so the turn can checkpoint first and list the changed files after. */
  beforeWrite(path: string): Promise<void>;
}

export interface ToolResult {
  /** What the model is told: plain text, capped by the tool. */
  output: string;
  isError?: boolean;
}

/**
 * Runs one tool call by name, as the registry's `runTool` does with its tools bound. The service is handed it
 * with the caller's permission as a last argument (`RunTool<[ProjectPermission]>`); the turn loop gets it with
 * the permission already bound (`RunTool`), since permissions are read again for every call.
 */
export type RunTool<Bound extends unknown[] = []> = (
  name: string,
  input: unknown,
  context: ToolContext,
  ...rest: Bound
) => Promise<ToolResult>;

/** One tool per file in `tools/`; the registry hands them to the model with their JSON Schemas. */
export interface AgentTool<Input = unknown> {
  name: string;
  /** Written for the model: what it does, when to use it, what it returns. */
  description: string;
  input: z.ZodType<Input>;
  /** The caller's permission the tool needs (`write` to edit, `execute` to run commands). */
  needs: ProjectPermission;
  run(input: Input, context: ToolContext): Promise<ToolResult>;
}
