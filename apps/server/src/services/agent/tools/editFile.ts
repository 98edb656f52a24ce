import { z } from 'zod';
import { AppError } from '../../../platform/errors/AppError.js';
import type { AgentTool } from './agentTool.js';
import { closestRegion } from './closestMatch.js';
import {
  fileFailure,
  lineAt,
  numberedRegion,
  pathProblem,
  plural,
  splitLines,
  toolError,
} from './toolSupport.js';

const input = z.strictObject({
  path: z.string().min(1).describe("File to edit, relative to the workspace root (e.g. 'src/App.tsx')."),
  oldText: z
    .string()
    .min(1)
    .describe(
      'The exact text to replace, copied from the file character for character, including indentation and ' +
        'line breaks, without the line-number gutter read_file shows. Include enough surrounding lines that ' +
        'it occurs exactly once.',
    ),
  newText: z.string().describe('The text to put in its place (may be empty to delete oldText).'),
  replaceAll: z
    .boolean()
    .default(false)
    .describe('Replace every occurrence of oldText instead of requiring exactly one.'),
});

export type EditFileInput = z.infer<typeof input>;

const maxListedMatches = 20;
const maxSnippetLines = 20;

export const editFileTool: AgentTool<EditFileInput> = {
  name: 'edit_file',
  description:
    'Change part of a file by exact string replacement: oldText must appear in the file exactly as given ' +
    '(whitespace and indentation included) and exactly once, unless replaceAll is true. If it is not found, ' +
    'or found several times, nothing is changed and the error shows what the file has instead. Read the ' +
    'file first; to create a file or rewrite it entirely, use write_file.',
  input,
  needs: 'write',
  async run({ path, oldText, newText, replaceAll }, context) {
    const problem = pathProblem(path, { allowRoot: false });
    if (problem) return toolError(problem);
    if (oldText === newText) {
      return toolError(
        'oldText and newText are identical, so there is nothing to change. Put the changed text in newText.',
      );
    }
    let content: string;
    try {
      content = await context.files.read(path);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') {
        return toolError(`'${path}' does not exist. To create a new file, use write_file.`);
      }
      return fileFailure(error, path, 'edit');
    }
    if (content.slice(0, 8000).includes('\0')) {
      return toolError(`'${path}' is a binary file; edit_file changes text files only.`);
    }

    let search = oldText;
    let replacement = newText;
    let positions = occurrences(content, search);
    if (positions.length === 0 && content.includes('\r\n') && !oldText.includes('\r')) {
      // The file has Windows line endings; the model writes `\n`. Match and write in the file's style.
      const crlf = oldText.replace(/\n/g, '\r\n');
      const crlfPositions = occurrences(content, crlf);
      if (crlfPositions.length > 0) {
        search = crlf;
        replacement = newText.replace(/\r?\n/g, '\r\n');
        positions = crlfPositions;
      }
    }
    if (positions.length === 0) return toolError(noMatchReport(path, content, oldText));
    if (positions.length > 1 && !replaceAll) return toolError(ambiguousReport(path, content, positions));

    await context.beforeWrite(path);
    context.signal.throwIfAborted();
    // The checkpoint may take a moment and others may be editing too: never write over a change made since.
    if ((await context.files.read(path)) !== content) {
      return toolError(
        `'${path}' changed while the edit was being applied (someone else saved it), so nothing was changed. ` +
          'Read it again with read_file and redo the edit on its current content.',
      );
    }
    const { updated, spans } = replaceAt(content, positions, search, replacement);
    try {
      await context.files.write(path, updated);
    } catch (error) {
      return fileFailure(error, path, 'write');
    }
    return { output: confirmation(path, updated, spans, replacement) };
  },
};

function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
    found.push(at);
  }
  return found;
}

function newlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** Lines (1-based, inclusive) that `text` occupies when it starts on line `start`; empty text covers none. */
function spanOf(text: string, start: number): { from: number; to: number } | undefined {
  if (text === '') return undefined;
  return { from: start, to: start + newlines(text) - (text.endsWith('\n') ? 1 : 0) };
}

interface ReplacedSpan {
  old: { from: number; to: number } | undefined;
  new: { from: number; to: number } | undefined;
  start: number;
}

function replaceAt(content: string, positions: number[], search: string, replacement: string) {
  const parts: string[] = [];
  const spans: ReplacedSpan[] = [];
  const searchLines = newlines(search);
  const replacementLines = newlines(replacement);
  let consumed = 0;
  let oldLine = 1;
  let newLine = 1;
  for (const position of positions) {
    const before = content.slice(consumed, position);
    parts.push(before, replacement);
    oldLine += newlines(before);
    newLine += newlines(before);
    spans.push({ old: spanOf(search, oldLine), new: spanOf(replacement, newLine), start: newLine });
    oldLine += searchLines;
    newLine += replacementLines;
    consumed = position + search.length;
  }
  parts.push(content.slice(consumed));
  return { updated: parts.join(''), spans };
}

function range(span: { from: number; to: number }): string {
  return span.from === span.to ? `line ${span.from}` : `lines ${span.from}–${span.to}`;
}

function confirmation(path: string, updated: string, spans: ReplacedSpan[], replacement: string): string {
  const [only] = spans;
  if (spans.length === 1 && only) {
    const was = only.old ? range(only.old) : `line ${only.start}`;
    if (!only.new) return `Edited ${path}: removed the text on ${was}.`;
    const head = `Edited ${path}: replaced ${was} with ${plural(only.new.to - only.new.from + 1, 'line')} (now ${range(only.new)}).`;
    if (only.new.to - only.new.from + 1 > maxSnippetLines) return head;
    const lines = splitLines(updated);
    return `${head}\n${numberedRegion(lines, only.new.from - 2, only.new.to + 2)}`;
  }
  const where = spans.map((span) =>
    span.new ? range(span.new).replace(/^lines? /, '') : String(span.start),
  );
  const listed = where.slice(0, maxListedMatches).join(', ') + (where.length > maxListedMatches ? ', …' : '');
  return replacement === ''
    ? `Edited ${path}: removed ${spans.length} occurrences (at lines ${listed} now).`
    : `Edited ${path}: replaced ${spans.length} occurrences; the new text is now at lines ${listed}.`;
}

function ambiguousReport(path: string, content: string, positions: number[]): string {
  const lines = splitLines(content);
  const listed = positions.slice(0, maxListedMatches).map((position) => {
    const line = lineAt(content, position);
    const text = (lines[line - 1] ?? '').trim();
    return `  line ${line}: ${text.length > 120 ? `${text.slice(0, 120)}…` : text}`;
  });
  const more =
    positions.length > maxListedMatches ? [`  … and ${positions.length - maxListedMatches} more`] : [];
  const at = positions.slice(0, maxListedMatches).map((position) => lineAt(content, position));
  return [
    `oldText occurs ${positions.length} times in '${path}' (at lines ${at.join(', ')}${positions.length > maxListedMatches ? ', …' : ''}), so it is ambiguous and nothing was changed.`,
    ...listed,
    ...more,
    'Add a few surrounding lines to oldText so it matches exactly one place, or set replaceAll=true to change every occurrence.',
  ].join('\n');
}

function noMatchReport(path: string, content: string, oldText: string): string {
  const parts = [`oldText was not found in '${path}', so nothing was changed.`];
  const oldLines = splitLines(oldText);
  const nonBlank = oldLines.filter((line) => line.trim() !== '');
  if (nonBlank.length === 0) {
    parts.push('oldText is only whitespace. Include the actual text around the place you want to change.');
    return parts.join('\n');
  }
  const gutter = nonBlank.filter((line) => /^\s*\d+\s*(│|\|)/.test(line)).length;
  if (gutter > 0 && gutter >= nonBlank.length / 2) {
    parts.push(
      'Your oldText has line-number gutters ("  12│ ") copied from read_file output. They are not part of ' +
        'the file: copy only the text after "│ ", keeping its indentation.',
    );
  }

  const fileLines = splitLines(content);
  const region = closestRegion(fileLines, content, oldText);
  if (region?.whitespaceOnly) {
    const mismatch = region.indentMismatch;
    const detail = mismatch
      ? ` Line ${mismatch.fileLine} of the file is indented with ${mismatch.fileIndent}; the same line in your oldText with ${mismatch.oldIndent}.`
      : '';
    parts.push(
      'It does match if whitespace is ignored, so the indentation, spacing, tabs vs spaces or line breaks ' +
        `differ from the file.${detail} Copy the text exactly as the file has it, leading whitespace included.`,
    );
  }
  if (region) {
    const from = Math.max(1, region.line - 2);
    const to = Math.min(
      fileLines.length,
      Math.max(region.line + 2, region.line + Math.min(oldLines.length, 8) + 1),
    );
    parts.push(
      `${region.whitespaceOnly ? 'The matching region' : 'The closest region'} in the file (lines ${from}–${to}):`,
      numberedRegion(fileLines, from, to),
    );
  } else {
    const first = (nonBlank[0] ?? '').trim();
    parts.push(
      `Nothing in the file resembles the first line of oldText ("${first.length > 80 ? `${first.slice(0, 80)}…` : first}").`,
    );
  }
  parts.push(
    'The file may also have changed since you read it: read_file it again and retry with oldText copied exactly from its current content.',
  );
  return parts.join('\n');
}
