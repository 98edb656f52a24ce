import { z } from 'zod';

/** A tool's input as JSON Schema; the same shape as the built-in tools' (`JsonObjectSchema`). */
export type McpInputSchema = {
  type: 'object';
  properties: Record<string, unknown>;
  required?: string[];
  [keyword: string]: unknown;
};

/** An MCP server's tool as the agent offers it to the model. */
export interface McpToolInfo {
  /** `mcp__<server>__<tool>`: what the model calls; only `[a-zA-Z0-9_-]`, at most 64 characters. */
  name: string;
  server: string;
  /** The tool's own name on its server. */
  tool: string;
  description: string;
  inputSchema: McpInputSchema;
  /**
   * A hash of what the server runs or where it is (command and arguments, or URL), so an approval given
   * for a tool can be asked again when `.mcp.json` points the same name at something else.
   */
  serverFingerprint: string;
}

/** The tool-name rule of both Anthropic's and OpenAI's APIs. */
const modelToolName = /^[a-zA-Z0-9_-]{1,64}$/;
const maxDescriptionChars = 4_000;
/** A schema bigger than this would crowd the model's context on every call. */
const maxSchemaChars = 32_000;

const RawToolSchema = z.looseObject({
  name: z.string().min(1).max(128),
  description: z.string().optional(),
  title: z.string().optional(),
  inputSchema: z.looseObject({
    type: z.literal('object'),
    properties: z.record(z.string(), z.unknown()).optional(),
    required: z.array(z.string()).optional(),
  }),
});

export function mcpToolName(server: string, tool: string): string {
  return `mcp__${server}__${tool.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
}

/** The tool, or why it is left out (a sentence naming it). */
export function toMcpToolInfo(server: string, fingerprint: string, raw: unknown): McpToolInfo | string {
  const parsed = RawToolSchema.safeParse(raw);
  const rawName = (raw as { name?: unknown } | null)?.name;
  const label = typeof rawName === 'string' ? `tool '${rawName.slice(0, 80)}'` : 'a tool';
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'the tool');
    const why =
      field === 'inputSchema'
        ? 'its inputSchema is not a JSON Schema of type "object"'
        : `its ${field} is invalid`;
    return `${label} is left out: ${why}`;
  }
  const { name: tool, description, title, inputSchema } = parsed.data;
  const name = mcpToolName(server, tool);
  if (!modelToolName.test(name)) {
    return `${label} is left out: '${name}' is longer than the 64 characters models accept (shorten the server's name)`;
  }
  const { $schema: _dialect, ...schema } = inputSchema;
  const normalized: McpInputSchema = { ...schema, type: 'object', properties: schema.properties ?? {} };
  if (JSON.stringify(normalized).length > maxSchemaChars) {
    return `${label} is left out: its input schema is larger than ${maxSchemaChars} characters`;
  }
  const text = (description ?? title ?? '').trim();
  return {
    name,
    server,
    tool,
    description: text.length > maxDescriptionChars ? `${text.slice(0, maxDescriptionChars)}…` : text,
    inputSchema: normalized,
    serverFingerprint: fingerprint,
  };
}
