/* eslint-disable no-control-regex -- terminal output is made of control sequences */
import { describe, expect, it } from 'vitest';
import { CommandTracker, decodeCommandLine, type FinishedCommand } from './commandTracker';

/**
 * A terminal as far as the tracker cares: rows of text, a cursor on the last row, marks that point at a row,
 * and the OSC 633 sequences in what is written handed to the tracker where they occur (as xterm does).
 */
function fakeTerminal(limit?: number) {
  const rows: string[] = [''];
  const finished: FinishedCommand[] = [];
  let disposedMarks = 0;
  const tracker = new CommandTracker(
    {
      mark: () => {
        const mark = { line: rows.length - 1, dispose: () => (disposedMarks += 1) };
        return mark;
      },
      textFrom: (line, max) =>
        rows
          .slice(line)
          .join('\n')
          .slice(-max - 100),
    },
    limit,
  );
  return {
    finished,
    tracker,
    disposedMarks: () => disposedMarks,
    write(text: string) {
      for (const part of text.split(/(\x1b\]633;[^\x07]*\x07)/)) {
        const osc = /^\x1b\]633;([^\x07]*)\x07$/.exec(part);
        if (osc) {
          const command = tracker.handle(osc[1] ?? '');
          if (command) finished.push(command);
          continue;
        }
        const lines = part.replace(/\r/g, '').split('\n');
        rows[rows.length - 1] += lines[0] ?? '';
        rows.push(...lines.slice(1));
      }
    },
  };
}

const prompt = 'user@vf:/workspace$ ';
/** What bash prints for one command with the integration on: echo, C, output, E, D, next prompt. */
const ran = (command: string, output: string, exitCode: number, escaped = command) =>
  `${command}\r\n\x1b]633;C\x07${output}\x1b]633;E;${escaped}\x07\x1b]633;D;${exitCode}\x07${prompt}`;

describe('CommandTracker', () => {
  it('reports each finished command with its exit code and the output since it started', () => {
    const terminal = fakeTerminal();
    terminal.write(prompt);
    terminal.write(ran('npm test', '\x1b[31mFAIL\x1b[0m src/app.test.ts\r\n  expected 2, got 3\r\n', 1));
    terminal.write(ran('ls', 'package.json\r\n', 0));
    expect(terminal.finished).toEqual([
      { command: 'npm test', exitCode: 1, output: 'FAIL src/app.test.ts\n  expected 2, got 3' },
      { command: 'ls', exitCode: 0, output: 'package.json' },
    ]);
  });

  it('keeps an output that does not end with a newline, and reports a command that printed nothing', () => {
    const terminal = fakeTerminal();
    terminal.write(
      prompt + ran('printf oops; exit 2', 'oops', 2, 'printf oops\\x3b exit 2') + ran('false', '', 1),
    );
    expect(terminal.finished).toEqual([
      { command: 'printf oops; exit 2', exitCode: 2, output: 'oops' },
      { command: 'false', exitCode: 1, output: '' },
    ]);
  });

  it('decodes the command line', () => {
    const terminal = fakeTerminal();
    terminal.write(prompt + ran('echo "a;b\\c"\nls', 'a;b\\c\r\n', 0, 'echo "a\\x3bb\\\\c"\\x0als'));
    expect(terminal.finished[0]?.command).toBe('echo "a;b\\c"\nls');
    expect(decodeCommandLine('tab\\x09and\\x5cslash\\\\x41')).toBe('tab\tand\\slash\\x41');
  });

  it('reports Ctrl+C as it is (130), and nothing for an empty Enter', () => {
    const terminal = fakeTerminal();
    terminal.write(prompt + '\r\n' + prompt);
    terminal.write(ran('sleep 30', '^C\r\n', 130));
    expect(terminal.finished).toEqual([{ command: 'sleep 30', exitCode: 130, output: '^C' }]);
  });

  it('takes the output from the prompt the command was typed at when the shell sends no C', () => {
    const terminal = fakeTerminal();
    terminal.write(`${prompt}true\r\n\x1b]633;E;true\x07\x1b]633;D;0\x07`);
    terminal.write(`${prompt}make\r\nmake: *** No targets.  Stop.\r\n`);
    terminal.write('\x1b]633;E;make\x07\x1b]633;D;2\x07');
    expect(terminal.finished.at(-1)).toEqual({
      command: 'make',
      exitCode: 2,
      output: `${prompt}make\nmake: *** No targets.  Stop.`,
    });
  });

  it('keeps only the end of a long output', () => {
    const terminal = fakeTerminal(100);
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i}\r\n`).join('');
    terminal.write(prompt + ran('seq', lines, 1));
    const output = terminal.finished[0]?.output ?? '';
    expect(output.length).toBeLessThanOrEqual(100);
    expect(output.endsWith('line 498\nline 499')).toBe(true);
  });

  it('reports no command for a D without an exit code, and forgets the command line after a D', () => {
    const terminal = fakeTerminal();
    terminal.write(`${prompt}x\r\n\x1b]633;C\x07\x1b]633;E;x\x07\x1b]633;D\x07${prompt}`);
    terminal.write('y\r\n\x1b]633;C\x07\x1b]633;D;1\x07');
    expect(terminal.finished).toEqual([{ command: '', exitCode: 1, output: '' }]);
  });

  it('starts over on reset: no output from before, no command line', () => {
    const terminal = fakeTerminal();
    terminal.write(`${prompt}npm test\r\n\x1b]633;C\x07old output\r\n\x1b]633;E;npm test\x07`);
    terminal.tracker.reset();
    expect(terminal.disposedMarks()).toBeGreaterThan(0);
    terminal.write('\x1b]633;D;1\x07');
    expect(terminal.finished).toEqual([{ command: '', exitCode: 1, output: '' }]);
  });
});
