import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileMaxBytes, readFileTool } from './readFile.js';
import { call, createFakeToolContext, type FakeToolContext } from './testing/fakeToolContext.js';

let context: FakeToolContext;
beforeEach(async () => {
  context = await createFakeToolContext();
});
afterEach(async () => {
  await context.dispose();
});

const numbered = (count: number) =>
  Array.from({ length: count }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe('read_file', () => {
  it('shows the whole file with line numbers like cat -n', async () => {
    await context.put('src/app.ts', 'const a = 1;\n\n  return a;\n');
    const result = await call(readFileTool, { path: 'src/app.ts' }, context);
    expect(result.isError).toBeFalsy();
    expect(result.output).toBe('src/app.ts (3 lines):\n   1│ const a = 1;\n   2│\n   3│   return a;');
  });

  it('reads a line range and says where it is', async () => {
    await context.put('a.txt', numbered(10));
    const result = await call(readFileTool, { path: 'a.txt', startLine: 4, endLine: 6 }, context);
    expect(result.output).toBe('a.txt, lines 4–6 of 10:\n   4│ line 4\n   5│ line 5\n   6│ line 6');
  });

  it('clamps an endLine past the end and says where the file ends', async () => {
    await context.put('a.txt', numbered(5));
    const result = await call(readFileTool, { path: 'a.txt', startLine: 4, endLine: 50 }, context);
    expect(result.output).toContain('   5│ line 5');
    expect(result.output).toContain('[The file ends at line 5.]');
  });

  it('caps a long file at 2000 lines and says how to read on', async () => {
    await context.put('big.txt', numbered(2500));
    const result = await call(readFileTool, { path: 'big.txt' }, context);
    const lines = result.output.split('\n');
    expect(lines[0]).toBe('big.txt, lines 1–2000 of 2500:');
    expect(lines).toContain('2000│ line 2000');
    expect(result.output).not.toContain('2001│');
    expect(result.output).toContain('startLine=2001');
    const rest = await call(readFileTool, { path: 'big.txt', startLine: 2001 }, context);
    expect(rest.output.split('\n')[0]).toBe('big.txt, lines 2001–2500 of 2500:');
  });

  it('caps the output at 100 KB', async () => {
    await context.put('wide.txt', Array.from({ length: 1500 }, () => 'x'.repeat(100)).join('\n'));
    const result = await call(readFileTool, { path: 'wide.txt' }, context);
    expect(Buffer.byteLength(result.output)).toBeLessThan(readFileMaxBytes + 1000);
    const shownLast = /lines 1–(\d+) of 1500/.exec(result.output)?.[1];
    expect(Number(shownLast)).toBeGreaterThan(900);
    expect(Number(shownLast)).toBeLessThan(1500);
    expect(result.output).toContain(`startLine=${Number(shownLast) + 1}`);
  });

  it('cuts very long lines and says how much', async () => {
    await context.put('min.js', 'y'.repeat(5000));
    const result = await call(readFileTool, { path: 'min.js' }, context);
    expect(result.output).toContain('[line cut: 3000 more characters]');
  });

  it('shows CRLF files without carriage returns and says so', async () => {
    await context.put('win.txt', 'one\r\ntwo\r\n');
    const result = await call(readFileTool, { path: 'win.txt' }, context);
    expect(result.output).toBe('win.txt (2 lines, CRLF line endings):\n   1│ one\n   2│ two');
  });

  it('refuses binary files with a message', async () => {
    await context.put('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    const result = await call(readFileTool, { path: 'logo.png' }, context);
    expect(result.isError).toBe(true);
    expect(result.output).toContain('binary');
  });

  it('explains bad ranges, missing files and escaping paths', async () => {
    await context.put('a.txt', numbered(3));
    const past = await call(readFileTool, { path: 'a.txt', startLine: 9 }, context);
    expect(past).toMatchObject({ isError: true });
    expect(past.output).toContain('has 3 lines');
    const backwards = await call(readFileTool, { path: 'a.txt', startLine: 3, endLine: 1 }, context);
    expect(backwards.isError).toBe(true);
    const missing = await call(readFileTool, { path: 'nope.ts' }, context);
    expect(missing).toMatchObject({ isError: true });
    expect(missing.output).toContain('does not exist');

    context.events.length = 0;
    const absolute = await call(readFileTool, { path: '/workspace/a.txt' }, context);
    expect(absolute.isError).toBe(true);
    expect(absolute.output).toContain("use 'a.txt'");
    const parent = await call(readFileTool, { path: 'src/../../etc/passwd' }, context);
    expect(parent.isError).toBe(true);
    expect(parent.output).toContain("'..'");
    expect(context.events).toEqual([]);
  });

  it('says an empty file is empty', async () => {
    await context.put('empty.txt', '');
    expect((await call(readFileTool, { path: 'empty.txt' }, context)).output).toContain('is empty');
  });

  it('never calls beforeWrite', async () => {
    await context.put('a.txt', 'x\n');
    await call(readFileTool, { path: 'a.txt' }, context);
    expect(context.events.filter((event) => event.startsWith('beforeWrite'))).toEqual([]);
  });
});
