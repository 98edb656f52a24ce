import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentTool } from './agentTool.js';
import { createFakeToolContext, type FakeToolContext } from './testing/fakeToolContext.js';
import { agentTools, runTool, toolSpecs } from './toolRegistry.js';

let context: FakeToolContext;
beforeEach(async () => {
  context = await createFakeToolContext({
    run: () => ({ exitCode: 0, output: 'ran', timedOut: false, truncated: false }),
  });
});
afterEach(async () => {
  await context.dispose();
});

describe('toolSpecs', () => {
  const specs = toolSpecs(agentTools);

  it('lists every tool once, with a description', () => {
    expect(specs.map((spec) => spec.name)).toEqual([
      'list_files',
      'read_file',
      'search',
      'edit_file',
      'write_file',
      'run_command',
      'read_logs',
    ]);
    for (const spec of specs) expect(spec.description.length, spec.name).toBeGreaterThan(80);
  });

  it('gives plain JSON object schemas with properties, required fields and descriptions', () => {
    for (const spec of specs) {
      const schema = spec.inputSchema;
      expect(JSON.parse(JSON.stringify(schema)), spec.name).toEqual(schema);
      expect(schema).not.toHaveProperty('$schema');
      expect(schema.type).toBe('object');
      expect(schema.additionalProperties).toBe(false);
      expect(Array.isArray(schema.required)).toBe(true);
      for (const field of schema.required ?? []) expect(schema.properties).toHaveProperty(field);
      for (const [field, property] of Object.entries(schema.properties)) {
        expect((property as { description?: string }).description, `${spec.name}.${field}`).toBeTruthy();
      }
    }
    const byName = Object.fromEntries(specs.map((spec) => [spec.name, spec.inputSchema]));
    expect(byName.read_file?.required).toEqual(['path']);
    expect(byName.edit_file?.required).toEqual(['path', 'oldText', 'newText']);
    expect(byName.list_files?.required).toEqual([]);
    expect(byName.run_command?.properties.timeoutSeconds).toMatchObject({
      type: 'integer',
      default: 60,
      maximum: 600,
    });
    expect(byName.read_file?.properties.startLine).not.toHaveProperty('maximum');
  });
});

describe('runTool', () => {
  it('runs a tool with its defaults applied', async () => {
    await context.put('a.txt', 'hello\n');
    const result = await runTool(agentTools, 'read_file', { path: 'a.txt' }, context, 'read');
    expect(result.isError).toBeFalsy();
    expect(result.output).toContain('   1│ hello');
  });

  it('answers an unknown tool with the list of tools', async () => {
    const result = await runTool(agentTools, 'delete_everything', {}, context, 'admin');
    expect(result.isError).toBe(true);
    expect(result.output).toContain("There is no tool named 'delete_everything'");
    expect(result.output).toContain(
      'list_files, read_file, search, edit_file, write_file, run_command, read_logs',
    );
  });

  it('explains schema errors in plain words without running the tool', async () => {
    const result = await runTool(
      agentTools,
      'read_file',
      { path: 42, startLine: 1.5, endLine: 0, lines: 3 },
      context,
      'read',
    );
    expect(result.isError).toBe(true);
    expect(result.output.split('\n')).toEqual([
      'The input for read_file is invalid, so it was not run:',
      '- path must be a string, not a number',
      '- startLine must be a whole number',
      '- endLine must be at least 1',
      "- 'lines' is not a field of read_file",
      'read_file takes: path (string, required), startLine (integer, optional), endLine (integer, optional). Correct the input and call it again.',
    ]);
    const missing = await runTool(agentTools, 'edit_file', { path: 'a.txt', newText: '' }, context, 'write');
    expect(missing.output).toContain('- oldText is missing; it is required and must be a string');
    const empty = await runTool(agentTools, 'write_file', { path: '', content: 'x' }, context, 'write');
    expect(empty.output).toContain('- path must not be empty');
    const notObject = await runTool(agentTools, 'search', 'login', context, 'read');
    expect(notObject.output).toContain(
      'the input must be a JSON object with the fields pattern (string, required)',
    );
    const tooLong = await runTool(
      agentTools,
      'run_command',
      { command: 'x', timeoutSeconds: 900 },
      context,
      'execute',
    );
    expect(tooLong.output).toContain('- timeoutSeconds must be at most 600');
    expect(context.events).toEqual([]);
  });

  it('refuses a tool the caller may not use, without running it', async () => {
    const write = await runTool(agentTools, 'write_file', { path: 'a.txt', content: 'x' }, context, 'read');
    expect(write.isError).toBe(true);
    expect(write.output).toContain(
      'You (acting for user user-1) may not change files in this project — the user has read access only',
    );
    const edit = await runTool(
      agentTools,
      'edit_file',
      { path: 'a.txt', oldText: 'a', newText: 'b' },
      context,
      'read',
    );
    expect(edit.isError).toBe(true);
    const run = await runTool(agentTools, 'run_command', { command: 'rm -rf /' }, context, 'write');
    expect(run.isError).toBe(true);
    expect(run.output).toContain('may not run commands in this project — the user has write access only');
    expect(context.events).toEqual([]);
    expect(context.runs).toEqual([]);
  });

  it('lets each permission level use what it includes', async () => {
    const read = await runTool(agentTools, 'list_files', {}, context, 'read');
    expect(read.isError).toBeFalsy();
    const run = await runTool(agentTools, 'run_command', { command: 'ls' }, context, 'admin');
    expect(run.output).toBe('Exit code: 0\nOutput:\nran');
  });

  const failing: AgentTool<{ message: string }> = {
    name: 'explode',
    description: 'Fails.',
    input: z.strictObject({ message: z.string() }),
    needs: 'read',
    async run({ message }) {
      throw new Error(message);
    },
  };

  it('turns an unexpected exception into an error result with the message only', async () => {
    const result = await runTool([failing], 'explode', { message: 'disk on fire' }, context, 'read');
    expect(result).toEqual({ output: 'explode failed: disk on fire', isError: true });
  });

  it('rejects with the abort reason when cancelled before the call, without running it', async () => {
    const reason = new Error('turn cancelled');
    context.abort(reason);
    await expect(runTool(agentTools, 'run_command', { command: 'ls' }, context, 'execute')).rejects.toBe(
      reason,
    );
    expect(context.runs).toEqual([]);
  });

  it('rejects with the abort reason when cancelled during the call', async () => {
    const hanging: AgentTool<Record<string, never>> = {
      name: 'hang',
      description: 'Never finishes.',
      input: z.strictObject({}),
      needs: 'read',
      run: () => new Promise(() => {}),
    };
    const reason = new Error('turn cancelled');
    const pending = runTool([hanging], 'hang', {}, context, 'read');
    setTimeout(() => context.abort(reason), 10);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects with the abort reason, not an error result, when the tool fails because of the abort', async () => {
    const abortAware: AgentTool<Record<string, never>> = {
      name: 'aware',
      description: 'Fails once aborted.',
      input: z.strictObject({}),
      needs: 'read',
      async run(_input, toolContext) {
        context.abort(new Error('stop'));
        toolContext.signal.throwIfAborted();
        return { output: 'unreachable' };
      },
    };
    await expect(runTool([abortAware], 'aware', {}, context, 'read')).rejects.toThrow('stop');
  });
});
