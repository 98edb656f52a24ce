import { AppError } from '../../../platform/errors/AppError.js';
import type { ToolResult } from './agentTool.js';

/** Helpers the tools share: path checks, model-facing failures, line handling and output caps. */

export function toolError(output: string): ToolResult {
  return { output, isError: true };
}

/**
 * Refuses paths the workspace would refuse anyway, early and with advice the model can act on. Returns the
 * problem in words, or undefined when the path may be passed on (the files capability still confines it).
 */
export function pathProblem(path: string, options: { allowRoot: boolean }): string | undefined {
  if (path.includes('\0')) return `The path contains a NUL byte.`;
  if (path.trim() === '' || path.trim() === '.' || path.trim() === './') {
    return options.allowRoot
      ? undefined
      : `Name a file: '${path}' is the workspace root. Paths are relative to the workspace root, e.g. 'src/index.ts'.`;
  }
  if (path.startsWith('/workspace/') || path === '/workspace') {
    const relative = path.slice('/workspace/'.length) || '.';
    return `'${path}' is absolute. Paths are relative to the workspace root (which is /workspace in the container): use '${relative}' instead.`;
  }
  if (path.startsWith('/') || path.startsWith('~') || /^[A-Za-z]:/.test(path)) {
    return `'${path}' is absolute. Paths are relative to the workspace root, e.g. 'src/index.ts'; nothing outside the project workspace can be reached.`;
  }
  if (path.includes('\\')) {
    return `'${path}' contains a backslash. Use '/' between directories, e.g. 'src/app/page.tsx'.`;
  }
  if (path.split('/').includes('..')) {
    return `'${path}' contains a '..' segment. Paths must stay inside the project workspace: write them relative to the workspace root, e.g. 'src/index.ts'.`;
  }
  return undefined;
}

/**
 * Turns a files-capability failure the model can act on (missing file, bad path, too large, refused) into a
 * tool error. Anything else is rethrown for the registry, which reports it without internals.
 */
export function fileFailure(error: unknown, path: string, action: string): ToolResult {
  if (error instanceof AppError) {
    switch (error.code) {
      case 'not_found':
        return toolError(
          `Could not ${action} '${path}': it does not exist. Check the path with list_files or search.`,
        );
      case 'bad_request':
      case 'validation_failed':
      case 'conflict':
      case 'payload_too_large':
      case 'unsupported_media_type':
      case 'precondition_failed':
        return toolError(`Could not ${action} '${path}': ${error.message}`);
      case 'forbidden':
        return toolError(
          `Could not ${action} '${path}': ${error.message}. Stay inside the project workspace.`,
        );
      default:
        throw error;
    }
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') {
    return toolError(
      `Could not ${action} '${path}': it does not exist. Check the path with list_files or search.`,
    );
  }
  if (code === 'EISDIR') {
    return toolError(
      `Could not ${action} '${path}': it is a directory. Use list_files to see what it contains.`,
    );
  }
  if (code === 'ENOTDIR') {
    return toolError(`Could not ${action} '${path}': part of the path is a file, not a directory.`);
  }
  throw error;
}

/** Lines of a text as an editor shows them: no phantom empty line after a final newline, no `\r`. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

export function countLines(text: string): number {
  return splitLines(text).length;
}

/** The 1-based line on which character `index` of `text` lies. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

export const maxLineChars = 2000;

/** `  12│ text`, like `cat -n`; over-long lines are cut with a note. */
export function numberedLine(number: number, text: string, width: number): string {
  const shown =
    text.length > maxLineChars
      ? `${text.slice(0, maxLineChars)}… [line cut: ${text.length - maxLineChars} more characters]`
      : text;
  const gutter = `${String(number).padStart(width)}│`;
  return shown === '' ? gutter : `${gutter} ${shown}`;
}

export function gutterWidth(lastLineNumber: number): number {
  return Math.max(4, String(lastLineNumber).length);
}

/** Numbered lines `from`..`to` (1-based, inclusive, clamped) of `lines`. */
export function numberedRegion(lines: string[], from: number, to: number): string {
  const start = Math.max(1, from);
  const end = Math.min(lines.length, to);
  const width = gutterWidth(end);
  const out: string[] = [];
  for (let number = start; number <= end; number++)
    out.push(numberedLine(number, lines[number - 1] ?? '', width));
  return out.join('\n');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** The first `maxBytes` of `text` (UTF-8), ending at a line break when one is near. */
export function headBytes(text: string, maxBytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= maxBytes) return text;
  let head = buffer
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  const lastBreak = head.lastIndexOf('\n');
  if (lastBreak > head.length - 1024 && lastBreak > 0) head = head.slice(0, lastBreak + 1);
  return head;
}

/** The last `maxBytes` of `text` (UTF-8), starting at a line start when one is near. */
export function tailBytes(text: string, maxBytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= maxBytes) return text;
  let tail = buffer
    .subarray(buffer.length - maxBytes)
    .toString('utf8')
    .replace(/^\uFFFD+/, '');
  const firstBreak = tail.indexOf('\n');
  if (firstBreak !== -1 && firstBreak < 1024) tail = tail.slice(firstBreak + 1);
  return tail;
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
