import { permissionIncludes, type ProjectPermission } from '@vaporform/contracts';
import { z } from 'zod';
import type { AgentTool, ToolContext, ToolResult } from './agentTool.js';
import { editFileTool } from './editFile.js';
import { listFilesTool } from './listFiles.js';
import { readFileTool } from './readFile.js';
import { readLogsTool } from './readLogs.js';
import { runCommandTool } from './runCommand.js';
import { searchTool } from './search.js';
import { toolError } from './toolSupport.js';
import { writeFileTool } from './writeFile.js';

/** Every tool the agent has, in the order the model is shown them. */
export const agentTools: readonly AgentTool[] = [
  listFilesTool,
  readFileTool,
  searchTool,
  editFileTool,
  writeFileTool,
  runCommandTool,
  readLogsTool,
];

/** A tool's input as JSON Schema: always an object schema (what tool-use APIs accept). */
export type JsonObjectSchema = {
  type: 'object';
  properties: Record<string, unknown>;
  required?: string[];
  [keyword: string]: unknown;
};

export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: JsonObjectSchema;
}

/** The tools as the model is told about them (the provider maps these onto its wire format). */
export function toolSpecs(tools: readonly AgentTool[]): ToolSpec[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: inputSchemaOf(tool),
  }));
}

export function inputSchemaOf(tool: AgentTool): JsonObjectSchema {
  // `io: 'input'` describes what the model sends: fields with defaults are optional there.
  const { $schema: _dialect, ...schema } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<
    string,
    unknown
  >;
  if (schema.type !== 'object') {
    throw new Error(`The input schema of tool '${tool.name}' must be an object schema`);
  }
  const properties = withoutNoise(schema.properties ?? {}) as Record<string, unknown>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return { ...schema, type: 'object', properties, required };
}

/** Drops bounds zod adds to every integer (±2^53 − 1): they tell the model nothing. */
function withoutNoise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNoise);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'maximum' && inner === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'minimum' && inner === Number.MIN_SAFE_INTEGER) continue;
    out[key] = withoutNoise(inner);
  }
  return out;
}

const actions: Record<ProjectPermission, string> = {
  read: 'read this project',
  write: 'change files in this project',
  execute: 'run commands in this project',
  admin: 'do that in this project',
};

/**
 * Runs one tool call from the model. Everything the model can correct (an unknown tool, input that fails the
 * schema, a permission the user lacks, a tool failure) comes back as an `isError` result it can read; only
 * cancellation escapes: if `context.signal` is aborted before or during the call, this rejects with the
 * signal's reason so the turn loop can stop.
 */
export async function runTool(
  tools: readonly AgentTool[],
  name: string,
  rawInput: unknown,
  context: ToolContext,
  callerPermission: ProjectPermission,
): Promise<ToolResult> {
  context.signal.throwIfAborted();
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) {
    return toolError(
      `There is no tool named '${name}'. The tools are: ${tools.map((t) => t.name).join(', ')}. ` +
        'Call one of them by its exact name.',
    );
  }
  if (!permissionIncludes(callerPermission, tool.needs)) {
    return toolError(
      `You (acting for user ${context.userId}) may not ${actions[tool.needs]} — the user has ${callerPermission} ` +
        `access only, and ${tool.name} needs ${tool.needs} access. ${tool.name} was not run. Do not retry it; ` +
        `tell the user what you would have done, and that a project admin can give them ${tool.needs} access.`,
    );
  }
  const parsed = tool.input.safeParse(rawInput);
  if (!parsed.success) return toolError(explainInvalidInput(tool, parsed.error.issues));

  let result: ToolResult;
  try {
    result = await untilAborted(tool.run(parsed.data, context), context.signal);
  } catch (error) {
    if (context.signal.aborted) throw context.signal.reason;
    const message = error instanceof Error ? error.message : String(error);
    return toolError(`${tool.name} failed: ${message}`);
  }
  context.signal.throwIfAborted();
  return result;
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort = () => {};
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const settled = await Promise.race([promise.then((value) => ({ value })), aborted]);
    if (!settled) throw signal.reason;
    return settled.value;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer (a whole number)',
  integer: 'an integer (a whole number)',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

const receivedNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** zod's issues in plain words, with the tool's fields, so the model can correct the call. */
export function explainInvalidInput(tool: AgentTool, issues: readonly z.core.$ZodIssue[]): string {
  const schema = inputSchemaOf(tool);
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties).map(([field, property]) => {
    const type = (property as { type?: unknown }).type;
    return `${field} (${typeof type === 'string' ? `${type}, ` : ''}${required.has(field) ? 'required' : 'optional'})`;
  });
  const fieldList = fields.length > 0 ? fields.join(', ') : 'no fields';
  const lines = issues.map((issue) => `- ${explainIssue(tool, issue, fieldList)}`);
  return [
    `The input for ${tool.name} is invalid, so it was not run:`,
    ...lines,
    `${tool.name} takes: ${fieldList}. Correct the input and call it again.`,
  ].join('\n');
}

function explainIssue(tool: AgentTool, issue: z.core.$ZodIssue, fieldList: string): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'the input';
  switch (issue.code) {
    case 'invalid_type': {
      const expected = typeNames[issue.expected] ?? issue.expected;
      if (issue.path.length === 0) return `the input must be a JSON object with the fields ${fieldList}`;
      const received = /received (\w+)$/.exec(issue.message)?.[1];
      if (received === 'undefined') return `${where} is missing; it is required and must be ${expected}`;
      if (issue.expected === 'int' && received === 'number') return `${where} must be a whole number`;
      return `${where} must be ${expected}${received ? `, not ${receivedNames[received] ?? received}` : ''}`;
    }
    case 'unrecognized_keys': {
      const keys = issue.keys.map((key) => `'${key}'`).join(', ');
      return `${keys} ${issue.keys.length === 1 ? 'is not a field' : 'are not fields'} of ${tool.name}`;
    }
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string') {
        return minimum === 1
          ? `${where} must not be empty`
          : `${where} must be at least ${minimum} characters`;
      }
      if (issue.origin === 'number')
        return `${where} must be ${issue.inclusive ? 'at least' : 'more than'} ${minimum}`;
      return `${where}: ${issue.message}`;
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'string') return `${where} must be at most ${maximum} characters`;
      if (issue.origin === 'number')
        return `${where} must be ${issue.inclusive ? 'at most' : 'less than'} ${maximum}`;
      return `${where}: ${issue.message}`;
    }
    default:
      return `${where}: ${issue.message}`;
  }
}
