import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editFileTool } from './editFile.js';
import { call, createFakeToolContext, type FakeToolContext } from './testing/fakeToolContext.js';

let context: FakeToolContext;
beforeEach(async () => {
  context = await createFakeToolContext();
});
afterEach(async () => {
  await context.dispose();
});

const server = [
  "import express from 'express';",
  '',
  'const app = express();',
  '',
  'function start(port) {',
  '    app.listen(port, () => {',
  "        console.log('listening on', port);",
  '    });',
  '}',
  '',
  'start(3000);',
  '',
].join('\n');

const edit = (input: Record<string, unknown>) => call(editFileTool, { path: 'server.js', ...input }, context);
const writes = () => context.events.filter((event) => /^(beforeWrite|write):/.test(event));

describe('edit_file', () => {
  it('replaces the exact text once, after beforeWrite, and says which lines changed', async () => {
    await context.put('server.js', server);
    const result = await edit({
      oldText: 'start(3000);',
      newText: 'start(Number(process.env.PORT ?? 3000));',
    });
    expect(result.isError).toBeFalsy();
    expect(await context.get('server.js')).toBe(
      server.replace('start(3000);', 'start(Number(process.env.PORT ?? 3000));'),
    );
    expect(result.output.split('\n')[0]).toBe(
      'Edited server.js: replaced line 11 with 1 line (now line 11).',
    );
    expect(result.output).toContain('  11│ start(Number(process.env.PORT ?? 3000));');
    expect(context.events).toEqual([
      'read:server.js',
      'beforeWrite:server.js',
      'read:server.js',
      'write:server.js',
    ]);
  });

  it('reports the new range when the line count changes', async () => {
    await context.put('server.js', server);
    const result = await edit({
      oldText: "        console.log('listening on', port);\n",
      newText:
        "        console.log('listening');\n        console.log('on', port);\n        console.log('!');\n",
    });
    expect(result.output.split('\n')[0]).toBe(
      'Edited server.js: replaced line 7 with 3 lines (now lines 7–9).',
    );
  });

  it('inserts newText literally ($& and $1 are not replacement patterns)', async () => {
    await context.put('server.js', server);
    await edit({ oldText: 'start(3000);', newText: "const price = '$&$1';" });
    expect(await context.get('server.js')).toContain("const price = '$&$1';");
  });

  it('deletes text when newText is empty', async () => {
    await context.put('server.js', server);
    const result = await edit({ oldText: "import express from 'express';\n\n", newText: '' });
    expect(result.output).toBe('Edited server.js: removed the text on lines 1–2.');
    expect((await context.get('server.js')).startsWith('const app')).toBe(true);
  });

  it('with no match, changes nothing and shows the closest region with line numbers', async () => {
    await context.put('server.js', server);
    const result = await edit({ oldText: "    console.log('listening at', port);", newText: 'x' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain("oldText was not found in 'server.js', so nothing was changed.");
    expect(result.output).toContain('The closest region in the file (lines 5–9):');
    expect(result.output).toContain("   7│         console.log('listening on', port);");
    expect(result.output).toContain('   5│ function start(port) {');
    expect(result.output).not.toContain('whitespace is ignored');
    expect(writes()).toEqual([]);
    expect(await context.get('server.js')).toBe(server);
  });

  it('says when the text matches only if whitespace is ignored, and how the indentation differs', async () => {
    await context.put('server.js', server);
    const result = await edit({
      oldText: "  app.listen(port, () => {\n    console.log('listening on', port);\n  });",
      newText: 'app.listen(port);',
    });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('It does match if whitespace is ignored');
    expect(result.output).toContain(
      'Line 6 of the file is indented with 4 spaces; the same line in your oldText with 2 spaces.',
    );
    expect(result.output).toContain('The matching region in the file (lines 4–');
    expect(result.output).toContain('   6│     app.listen(port, () => {');
    expect(writes()).toEqual([]);
  });

  it('names tabs vs spaces', async () => {
    await context.put('server.js', 'if (a) {\n\treturn 1;\n}\n');
    const result = await edit({
      oldText: 'if (a) {\n    return 1;\n}',
      newText: 'if (a) {\n    return 2;\n}',
    });
    expect(result.output).toContain(
      'Line 2 of the file is indented with 1 tab; the same line in your oldText with 4 spaces.',
    );
  });

  it('points out line-number gutters copied from read_file', async () => {
    await context.put('server.js', server);
    const result = await edit({ oldText: '  11│ start(3000);', newText: 'start(1);' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('line-number gutters');
  });

  it('says when nothing resembles oldText', async () => {
    await context.put('server.js', server);
    const result = await edit({ oldText: 'zzzz qqqq', newText: 'x' });
    expect(result.output).toContain('Nothing in the file resembles the first line of oldText ("zzzz qqqq")');
  });

  it('with several matches, lists their line numbers and asks for more context', async () => {
    await context.put('server.js', 'a();\nb();\na();\nc();\na();\n');
    const result = await edit({ oldText: 'a();', newText: 'z();' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain("oldText occurs 3 times in 'server.js' (at lines 1, 3, 5)");
    expect(result.output).toContain('  line 3: a();');
    expect(result.output).toContain('replaceAll=true');
    expect(writes()).toEqual([]);
  });

  it('replaces every occurrence with replaceAll', async () => {
    await context.put('server.js', 'a();\nb();\na();\nc();\na();\n');
    const result = await edit({ oldText: 'a();', newText: 'z();\nz2();', replaceAll: true });
    expect(result.isError).toBeFalsy();
    expect(await context.get('server.js')).toBe('z();\nz2();\nb();\nz();\nz2();\nc();\nz();\nz2();\n');
    expect(result.output).toBe(
      'Edited server.js: replaced 3 occurrences; the new text is now at lines 1–2, 4–5, 7–8.',
    );
    expect(writes()).toEqual(['beforeWrite:server.js', 'write:server.js']);
  });

  it('refuses oldText equal to newText without reading or writing', async () => {
    await context.put('server.js', server);
    const result = await edit({ oldText: 'start(3000);', newText: 'start(3000);' });
    expect(result).toMatchObject({ isError: true });
    expect(result.output).toContain('identical');
    expect(context.events).toEqual([]);
  });

  it('suggests write_file for a missing file', async () => {
    const result = await edit({ oldText: 'a', newText: 'b' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('write_file');
  });

  it('edits CRLF files with \\n text and keeps their line endings', async () => {
    await context.put('server.js', 'one\r\ntwo\r\nthree\r\n');
    const result = await edit({ oldText: 'one\ntwo', newText: 'one\n2\n2b' });
    expect(result.isError).toBeFalsy();
    expect(await context.get('server.js')).toBe('one\r\n2\r\n2b\r\nthree\r\n');
  });

  it('does not write when the turn is cancelled during beforeWrite', async () => {
    const controller = { context: undefined as FakeToolContext | undefined };
    const local = await createFakeToolContext({
      beforeWrite: async () => controller.context?.abort(new Error('cancelled')),
    });
    controller.context = local;
    try {
      await local.put('a.txt', 'x\n');
      await expect(call(editFileTool, { path: 'a.txt', oldText: 'x', newText: 'y' }, local)).rejects.toThrow(
        'cancelled',
      );
      expect(await local.get('a.txt')).toBe('x\n');
    } finally {
      await local.dispose();
    }
  });

  it('finds the closest region in a large file quickly', async () => {
    const lines = Array.from(
      { length: 20_000 },
      (_, i) => `  const value${i} = compute(${i}, 'some text here');`,
    );
    await context.put('server.js', `${lines.join('\n')}\n`);
    const started = performance.now();
    const result = await edit({
      oldText: "  const value15000 = compute(15000, 'some text there');",
      newText: 'x',
    });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(result.output).toContain("15001│   const value15000 = compute(15000, 'some text here');");
  });

  it('does not write over a change someone saved while the checkpoint was taken', async () => {
    const local: { context?: FakeToolContext } = {};
    local.context = await createFakeToolContext({
      beforeWrite: async () => local.context?.put('a.txt', 'x\nsaved by a collaborator\n'),
    });
    try {
      await local.context.put('a.txt', 'x\n');
      const result = await call(editFileTool, { path: 'a.txt', oldText: 'x', newText: 'y' }, local.context);
      expect(result.isError).toBe(true);
      expect(result.output).toContain('changed while the edit was being applied');
      expect(await local.context.get('a.txt')).toBe('x\nsaved by a collaborator\n');
      expect(local.context.events.filter((event) => event.startsWith('write:'))).toEqual([]);
    } finally {
      await local.context.dispose();
    }
  });
});
