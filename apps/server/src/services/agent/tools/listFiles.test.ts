import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFilesLimit, listFilesTool } from './listFiles.js';
import { call, createFakeToolContext, type FakeToolContext } from './testing/fakeToolContext.js';

let context: FakeToolContext;
beforeEach(async () => {
  context = await createFakeToolContext();
  await context.put('package.json', '{}');
  await context.put('src/index.ts', '');
  await context.put('src/lib/util.ts', '');
});
afterEach(async () => {
  await context.dispose();
});

describe('list_files', () => {
  it('lists the root, directories with a trailing slash', async () => {
    const result = await call(listFilesTool, {}, context);
    expect(result.output).toBe('2 entries in the workspace root:\npackage.json\nsrc/');
    expect(context.events).toEqual(['list:.']);
  });

  it('lists recursively', async () => {
    const result = await call(listFilesTool, { path: 'src', recursive: true }, context);
    expect(result.output).toBe("3 entries in 'src' (recursive):\nsrc/index.ts\nsrc/lib/\nsrc/lib/util.ts");
  });

  it('says when a directory is empty or missing', async () => {
    await mkdir(path.join(context.root, 'empty'));
    expect((await call(listFilesTool, { path: 'empty' }, context)).output).toBe("'empty' is empty.");
    const missing = await call(listFilesTool, { path: 'nope' }, context);
    expect(missing.isError).toBe(true);
    expect(missing.output).toContain('does not exist');
  });

  it('caps the listing and says how to narrow it', async () => {
    for (let i = 0; i < listFilesLimit + 10; i++)
      await context.put(`many/f${String(i).padStart(4, '0')}.txt`, '');
    const result = await call(listFilesTool, { path: 'many' }, context);
    const lines = result.output.split('\n');
    expect(lines[0]).toBe(`${listFilesLimit} entries in 'many':`);
    expect(lines).toHaveLength(listFilesLimit + 2);
    expect(lines.at(-1)).toContain('Truncated');
    expect(lines.at(-1)).toContain('subdirectories');
  });

  it('refuses paths outside the workspace without listing', async () => {
    const result = await call(listFilesTool, { path: '..' }, context);
    expect(result.isError).toBe(true);
    expect(context.events).toEqual([]);
  });
});
