import { describe, expect, it } from 'vitest';
import { agentActivity } from './agentActivity';

describe('agentActivity', () => {
  it('says which file the agent edits, reads or which command it runs', () => {
    expect(
      agentActivity({ type: 'tool_call', id: '1', name: 'edit_file', input: { path: 'src/app.ts' } }),
    ).toBe('Agent is editing src/app.ts');
    expect(agentActivity({ type: 'tool_call', id: '2', name: 'read_file', input: { path: 'a.ts' } })).toBe(
      'Agent is reading a.ts',
    );
    expect(
      agentActivity({
        type: 'tool_call',
        id: '3',
        name: 'run_command',
        input: { command: 'npm test -- --run --reporter=verbose --coverage\nsecond line' },
      }),
    ).toBe('Agent is running npm test -- --run --reporter=verbose --…');
  });

  it('clears when the turn ends, and ignores what changes nothing', () => {
    expect(agentActivity({ type: 'status', status: 'done', error: null })).toBeNull();
    expect(agentActivity({ type: 'status', status: 'running', error: null })).toBeUndefined();
    expect(
      agentActivity({
        type: 'usage',
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
      }),
    ).toBeUndefined();
  });
});
