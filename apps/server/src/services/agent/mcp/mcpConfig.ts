import { z } from 'zod';

/** The workspace file that declares a project's MCP servers (the format Claude Code reads). */
export const mcpConfigFile = '.mcp.json';

/** Short enough that `mcp__<server>__<tool>` leaves room for the tool's name within 64 characters. */
export const serverNamePattern = /^[a-zA-Z0-9_-]{1,32}$/;

/** More servers than this is a mistake, not a setup: each one is a process or a connection per project. */
export const maxServers = 16;

const noNul = (value: string) => !value.includes('\0');
const variables = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().refine(noNul));
const headers = z.record(
  z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/),
  z.string().refine((value) => !/[\r\n\0]/.test(value)),
);

const StdioServerSchema = z.object({
  type: z.literal('stdio').optional(),
  command: z.string().min(1).refine(noNul),
  args: z.array(z.string().refine(noNul)).max(256).default([]),
  env: variables.default({}),
});

const HttpServerSchema = z.object({
  type: z.literal('http'),
  url: z.url({ protocol: /^https?$/ }),
  headers: headers.default({}),
});

/** A stdio server runs inside the project's container; an HTTP server is reached from the server. */
export type McpServerConfig =
  | { name: string; transport: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { name: string; transport: 'http'; url: string; headers: Record<string, string> };

export interface ParsedMcpConfig {
  servers: McpServerConfig[];
  /** One sentence per thing that is wrong, naming the server, for the agent and the user to read. */
  problems: string[];
}

/** What each field must be, said the way a person editing `.mcp.json` would fix it. */
const fieldRules: Record<string, string> = {
  command: 'must be a non-empty string (the program to run in the project container)',
  args: 'must be an array of strings',
  env: 'must be an object of variable names (letters, digits, _) to string values',
  url: 'must be an http:// or https:// URL',
  headers: 'must be an object of header names to string values (no line breaks)',
};

/**
 * Reads `.mcp.json`. A server that is wrong becomes a problem and the others are still used, so one typo
 * does not take every tool away.
 */
export function parseMcpConfig(text: string): ParsedMcpConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { servers: [], problems: [`${mcpConfigFile} is not valid JSON: ${(error as Error).message}`] };
  }
  const declared = isObject(json) ? json.mcpServers : undefined;
  if (!isObject(declared)) {
    return {
      servers: [],
      problems: [`${mcpConfigFile} must be an object with "mcpServers": { "<name>": { … } }`],
    };
  }
  const servers: McpServerConfig[] = [];
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(declared)) {
    const where = `${mcpConfigFile}: MCP server '${name}'`;
    if (!serverNamePattern.test(name)) {
      problems.push(`${where}: the name must be 1–32 letters, digits, '_' or '-'`);
    } else if (servers.length >= maxServers) {
      problems.push(`${where}: skipped, a project may declare at most ${maxServers} MCP servers`);
    } else {
      const parsed = parseServer(name, entry);
      if (typeof parsed === 'string') problems.push(`${where}: ${parsed}`);
      else servers.push(parsed);
    }
  }
  return { servers, problems };
}

function parseServer(name: string, entry: unknown): McpServerConfig | string {
  if (!isObject(entry)) return 'must be an object with "command" (stdio) or "type": "http" and "url"';
  const type = entry.type;
  if (type === 'http') {
    const parsed = HttpServerSchema.safeParse(entry);
    if (!parsed.success) return explain(parsed.error.issues);
    return { name, transport: 'http', url: parsed.data.url, headers: parsed.data.headers };
  }
  if (type === 'sse') return `type 'sse' (the older HTTP+SSE transport) is not supported: use "type": "http"`;
  if (type !== undefined && type !== 'stdio') {
    return `type ${JSON.stringify(type)} is not known: use "stdio" (the default) or "http"`;
  }
  if (type === undefined && entry.command === undefined && entry.url !== undefined) {
    return 'has a "url" but no "type": add "type": "http"';
  }
  const parsed = StdioServerSchema.safeParse(entry);
  if (!parsed.success) return explain(parsed.error.issues);
  const { command, args, env } = parsed.data;
  return { name, transport: 'stdio', command, args, env };
}

function explain(issues: readonly z.core.$ZodIssue[]): string {
  const fields = new Map<string, string>();
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (fields.has(field)) continue;
    const missing =
      issue.code === 'invalid_type' && issue.path.length === 1 && /undefined$/.test(issue.message);
    fields.set(field, missing ? `"${field}" is missing` : `"${field}" ${fieldRules[field] ?? issue.message}`);
  }
  return [...fields.values()].join('; ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
