import { afterEach, describe, expect, it } from 'vitest';
import { readLogsTool } from './readLogs.js';
import { call, createFakeToolContext, type FakeToolContext } from './testing/fakeToolContext.js';

let context: FakeToolContext | undefined;
afterEach(async () => {
  await context?.dispose();
  context = undefined;
});

describe('read_logs', () => {
  it('sections the container log and the preview errors', async () => {
    context = await createFakeToolContext({
      logs: {
        container: ['> vite', 'ready in 300 ms', '\u001b[31merror\u001b[0m src/App.tsx: Unexpected token'],
        previewErrors: ['TypeError: x is undefined\n    at App (App.tsx:3)'],
      },
    });
    const result = await call(readLogsTool, { lines: 50 }, context);
    expect(result.output).toBe(
      [
        '=== Container log (last 3 lines) ===',
        '> vite',
        'ready in 300 ms',
        'error src/App.tsx: Unexpected token',
        '',
        '=== Preview page errors (1) ===',
        '- TypeError: x is undefined',
        '      at App (App.tsx:3)',
      ].join('\n'),
    );
    expect(context.events).toEqual(['logs:50']);
  });

  it('says when there is nothing to show', async () => {
    context = await createFakeToolContext();
    const result = await call(readLogsTool, {}, context);
    expect(result.output).toContain('(empty: the container printed nothing, or is not running)');
    expect(result.output).toContain('=== Preview page errors (0) ===\n(none reported)');
    expect(context.events).toEqual(['logs:100']);
  });
});
