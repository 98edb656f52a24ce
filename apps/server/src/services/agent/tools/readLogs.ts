import { z } from 'zod';
import type { AgentTool } from './agentTool.js';
import { byteLength, formatBytes, plural, tailBytes } from './toolSupport.js';
import { cleanOutput } from './runCommand.js';

const maxLogBytes = 30 * 1024;
const maxPreviewErrors = 50;
const maxErrorChars = 2000;

const input = z.strictObject({
  lines: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .describe('How many of the most recent container log lines to return (1–1000).'),
});

export type ReadLogsInput = z.infer<typeof input>;

export const readLogsTool: AgentTool<ReadLogsInput> = {
  name: 'read_logs',
  description:
    "Read the end of the project container's log (the app's dev server: build errors, crashes, requests) " +
    'and the errors the preview reported from the browser page (uncaught exceptions, console errors, failed ' +
    'loads). Use it after a change to check that the app still builds and runs, or to diagnose a bug the user ' +
    'describes.',
  input,
  needs: 'read',
  async run({ lines }, context) {
    const { container, previewErrors } = await context.logs({ lines });
    const sections: string[] = [];

    const recent = container.slice(-lines);
    let log = cleanOutput(recent.join('\n'));
    let logNote = '';
    if (byteLength(log) > maxLogBytes) {
      const total = byteLength(log);
      log = tailBytes(log, maxLogBytes);
      logNote = `[… earlier ${formatBytes(total - byteLength(log))} cut; showing the last ${formatBytes(byteLength(log))}.]\n`;
    }
    sections.push(
      `=== Container log (last ${plural(recent.length, 'line')}) ===`,
      recent.length === 0 || log.trim() === ''
        ? '(empty: the container printed nothing, or is not running)'
        : `${logNote}${log}`,
    );

    const errors = previewErrors.slice(-maxPreviewErrors);
    sections.push(
      '',
      `=== Preview page errors (${previewErrors.length}) ===`,
      errors.length === 0
        ? '(none reported)'
        : [
            ...(previewErrors.length > errors.length
              ? [`[Showing the most recent ${errors.length} of ${previewErrors.length}.]`]
              : []),
            ...errors.map((error) => {
              const text = error.length > maxErrorChars ? `${error.slice(0, maxErrorChars)}…` : error;
              return `- ${text.replace(/\n/g, '\n  ')}`;
            }),
          ].join('\n'),
    );
    return { output: sections.join('\n') };
  },
};
