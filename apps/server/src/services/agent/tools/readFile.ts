import { z } from 'zod';
import { AppError } from '../../../platform/errors/AppError.js';
import type { AgentTool } from './agentTool.js';
import {
  byteLength,
  fileFailure,
  formatBytes,
  gutterWidth,
  numberedLine,
  pathProblem,
  splitLines,
  toolError,
} from './toolSupport.js';

export const readFileMaxLines = 2000;
export const readFileMaxBytes = 100 * 1024;

const input = z.strictObject({
  path: z.string().min(1).describe("File to read, relative to the workspace root (e.g. 'src/App.tsx')."),
  startLine: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('First line to show (1-based, inclusive). Defaults to 1.'),
  endLine: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      `Last line to show (1-based, inclusive). Defaults to the end of the file, but at most ${readFileMaxLines} lines are shown per call.`,
    ),
});

export type ReadFileInput = z.infer<typeof input>;

export const readFileTool: AgentTool<ReadFileInput> = {
  name: 'read_file',
  description:
    'Read a text file from the workspace. Each line is shown with its line number, as `  12│ text`; the ' +
    'number and `│ ` are not part of the file, so never copy them into edit_file. ' +
    `Shows up to ${readFileMaxLines} lines or ${formatBytes(readFileMaxBytes)} per call; use startLine/endLine ` +
    'to read a specific range or the rest of a long file. Binary files (images, archives) cannot be read.',
  input,
  needs: 'read',
  async run({ path, startLine, endLine }, context) {
    const problem = pathProblem(path, { allowRoot: false });
    if (problem) return toolError(problem);
    if (startLine !== undefined && endLine !== undefined && endLine < startLine) {
      return toolError(
        `endLine (${endLine}) is before startLine (${startLine}). Give a range with startLine ≤ endLine.`,
      );
    }
    let content: string;
    try {
      content = await context.files.read(path);
    } catch (error) {
      if (error instanceof AppError && error.code === 'unsupported_media_type') return binaryRefusal(path);
      return fileFailure(error, path, 'read');
    }
    if (content.slice(0, 8000).includes('\0')) return binaryRefusal(path);

    const lines = splitLines(content);
    const total = lines.length;
    const crlf = content.includes('\r\n');
    if (total === 0) return { output: `'${path}' is empty (0 lines).` };
    const first = startLine ?? 1;
    if (first > total) {
      return toolError(
        `startLine ${first} is past the end of '${path}', which has ${total} lines. Ask for a range within 1–${total}.`,
      );
    }
    const requestedLast = Math.min(endLine ?? total, total);
    const out: string[] = [];
    const width = gutterWidth(requestedLast);
    let bytes = 0;
    let last = first - 1;
    for (let number = first; number <= requestedLast; number++) {
      if (number - first >= readFileMaxLines) break;
      const line = numberedLine(number, lines[number - 1] ?? '', width);
      bytes += byteLength(line) + 1;
      if (bytes > readFileMaxBytes && out.length > 0) break;
      out.push(line);
      last = number;
    }

    const whole = first === 1 && last === total;
    const header = whole
      ? `${path} (${total} lines${crlf ? ', CRLF line endings' : ''}):`
      : `${path}, lines ${first}–${last} of ${total}${crlf ? ' (CRLF line endings)' : ''}:`;
    const notes: string[] = [];
    if (last < requestedLast) {
      const limit =
        last - first + 1 >= readFileMaxLines ? `${readFileMaxLines} lines` : formatBytes(readFileMaxBytes);
      notes.push(
        `[Output stopped at line ${last} (limit of ${limit} per call). ` +
          `To read on, call read_file with startLine=${last + 1}` +
          (endLine !== undefined ? ` and endLine=${requestedLast}` : '') +
          `; or search for what you need.]`,
      );
    } else if (endLine !== undefined && endLine > total) {
      notes.push(`[The file ends at line ${total}.]`);
    }
    return { output: [header, ...out, ...notes].join('\n') };
  },
};

function binaryRefusal(path: string) {
  return toolError(
    `'${path}' is a binary file (not text), so read_file cannot show it. ` +
      `To inspect it, use run_command (e.g. \`file '${path}'\` or \`xxd '${path}' | head\`).`,
  );
}
