import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, createFakeToolContext, type FakeToolContext } from './testing/fakeToolContext.js';
import { writeFileTool } from './writeFile.js';

let context: FakeToolContext;
beforeEach(async () => {
  context = await createFakeToolContext();
});
afterEach(async () => {
  await context.dispose();
});

describe('write_file', () => {
  it('creates a file with its directories, after beforeWrite, and counts its lines', async () => {
    const result = await call(writeFileTool, { path: 'src/lib/auth.ts', content: 'a\nb\nc\n' }, context);
    expect(result).toEqual({ output: 'Created src/lib/auth.ts (3 lines).' });
    expect(await context.get('src/lib/auth.ts')).toBe('a\nb\nc\n');
    expect(context.events).toEqual(['beforeWrite:src/lib/auth.ts', 'write:src/lib/auth.ts']);
  });

  it('says when it overwrote a file', async () => {
    await context.put('README.md', 'old');
    const result = await call(writeFileTool, { path: 'README.md', content: 'one line, no newline' }, context);
    expect(result.output).toBe('Overwrote README.md (1 line).');
    expect(await context.get('README.md')).toBe('one line, no newline');
  });

  it('counts an empty file as 0 lines', async () => {
    expect((await call(writeFileTool, { path: 'empty', content: '' }, context)).output).toBe(
      'Created empty (0 lines).',
    );
  });

  it('refuses absolute paths, .. and directories before calling beforeWrite', async () => {
    for (const path of ['/etc/passwd', '../outside.txt', 'a/../../b', 'src/', '.']) {
      const result = await call(writeFileTool, { path, content: 'x' }, context);
      expect(result.isError, path).toBe(true);
    }
    expect(context.events).toEqual([]);
  });

  it('does not write when the turn is cancelled while the checkpoint is taken', async () => {
    const local: { context?: FakeToolContext } = {};
    local.context = await createFakeToolContext({
      beforeWrite: async () => local.context?.abort(new Error('cancelled')),
    });
    try {
      await expect(call(writeFileTool, { path: 'a.txt', content: 'x' }, local.context)).rejects.toThrow(
        'cancelled',
      );
      expect(local.context.events).toEqual(['beforeWrite:a.txt']);
    } finally {
      await local.context.dispose();
    }
  });
});
