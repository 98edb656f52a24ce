import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchLimit, searchTool } from './search.js';
import { call, createFakeToolContext, type FakeToolContext } from './testing/fakeToolContext.js';

let context: FakeToolContext;
beforeEach(async () => {
  context = await createFakeToolContext();
  await context.put('src/app.ts', "import { login } from './auth';\n\nlogin();\n");
  await context.put('src/auth.ts', 'export function login() {}\n');
  await context.put('styles/login.css', '.login { color: red; }\n');
});
afterEach(async () => {
  await context.dispose();
});

describe('search', () => {
  it('returns matches as path:line: text', async () => {
    const result = await call(searchTool, { pattern: 'login' }, context);
    expect(result.output.split('\n')).toEqual([
      '4 matches in 3 files:',
      "src/app.ts:1: import { login } from './auth';",
      'src/app.ts:3: login();',
      'src/auth.ts:1: export function login() {}',
      'styles/login.css:1: .login { color: red; }',
    ]);
  });

  it('narrows with include; a glob without / matches in any directory', async () => {
    const result = await call(searchTool, { pattern: 'login', include: '*.ts' }, context);
    expect(result.output).toContain("3 matches in 2 files in files matching '*.ts'");
    expect(result.output).not.toContain('login.css');
  });

  it('searches regular expressions and explains invalid ones', async () => {
    const result = await call(searchTool, { pattern: '^export\\s+function', regex: true }, context);
    expect(result.output).toContain('src/auth.ts:1:');
    const invalid = await call(searchTool, { pattern: 'login(', regex: true }, context);
    expect(invalid.isError).toBe(true);
    expect(invalid.output).toContain('not a valid regular expression');
  });

  it('says when nothing matches', async () => {
    expect((await call(searchTool, { pattern: 'logout' }, context)).output).toBe('No matches for "logout".');
  });

  it('caps the matches and says how to narrow them', async () => {
    await context.put('many.txt', 'hit\n'.repeat(searchLimit + 50));
    const result = await call(searchTool, { pattern: 'hit' }, context);
    const lines = result.output.split('\n');
    expect(lines).toHaveLength(searchLimit + 2);
    expect(lines.at(-1)).toContain('Truncated');
    expect(lines.at(-1)).toContain('include');
  });
});
