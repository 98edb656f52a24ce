import { describe, expect, it } from 'vitest';
import type { FinishedCommand } from './commandTracker';
import { fixCommandRequest, nextFailure } from './failedCommand';

const failed: FinishedCommand = { command: 'npm test', exitCode: 1, output: 'FAIL app.test.ts' };

describe('nextFailure', () => {
  it('shows a failure, replaces it with the next one, and clears it on a success', () => {
    const second = { command: 'npm run build', exitCode: 2, output: 'error TS2304' };
    expect(nextFailure(null, failed)).toBe(failed);
    expect(nextFailure(failed, second)).toBe(second);
    expect(nextFailure(second, { command: 'npm run build', exitCode: 0, output: '' })).toBeNull();
  });

  it('leaves things as they are on Ctrl+C', () => {
    const interrupted = { command: 'npm start', exitCode: 130, output: '^C' };
    expect(nextFailure(null, interrupted)).toBeNull();
    expect(nextFailure(failed, interrupted)).toBe(failed);
  });
});

describe('fixCommandRequest', () => {
  it('names the command, the exit code and the output', () => {
    const message = fixCommandRequest(failed);
    expect(message).toContain('```sh\nnpm test\n```');
    expect(message).toContain('exit code 1');
    expect(message).toContain('```\nFAIL app.test.ts\n```');
    expect(message).toMatch(/fix it/);
  });

  it('fences output with backticks in it so that it cannot close the block early', () => {
    const message = fixCommandRequest({ command: 'cat README.md', exitCode: 1, output: 'a\n```\nb' });
    expect(message).toContain('````\na\n```\nb\n````');
  });

  it('says so when the shell did not name the command or it printed nothing', () => {
    expect(fixCommandRequest({ command: '', exitCode: 127, output: '' })).toBe(
      'A command failed in the terminal with exit code 127.\n\nIt printed nothing.\n\nFind the cause and fix it.',
    );
  });
});
