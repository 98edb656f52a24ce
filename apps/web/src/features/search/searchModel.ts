import type { SearchBody, SearchResult } from '@vaporform/contracts';

export interface SearchOptions {
  query: string;
  caseSensitive: boolean;
  wholeWord: boolean;
  regex: boolean;
  /** Comma-separated globs, as typed into "files to include" / "files to exclude". */
  include: string;
  exclude: string;
}

export const maxSearchResults = 2000;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * VS Code's glob shorthand: a pattern without a slash matches at any depth (`*.ts`, `node_modules`), and
 * a folder matches everything inside it (`src/components`).
 */
export function expandGlobs(text: string): string[] {
  const globs = new Set<string>();
  for (const raw of text.split(',')) {
    const pattern = raw.trim().replace(/^\.\//, '').replace(/^\/+/, '').replace(/\/+$/, '');
    if (pattern === '') continue;
    const base = pattern.includes('/') || pattern.startsWith('**') ? pattern : `**/${pattern}`;
    globs.add(base);
    if (!base.endsWith('/**')) globs.add(`${base}/**`);
  }
  return [...globs].slice(0, 20);
}

/** The pattern the server runs: whole word wraps it in `\b…\b` (and so makes it a regular expression). */
export function patternOf(options: Pick<SearchOptions, 'query' | 'regex' | 'wholeWord'>): {
  source: string;
  regex: boolean;
} {
  if (!options.wholeWord) return { source: options.query, regex: options.regex };
  const inner = options.regex ? options.query : escapeRegExp(options.query);
  return { source: `\\b(?:${inner})\\b`, regex: true };
}

/** The request body for the options, or why there is none (empty query, invalid pattern). */
export function buildSearchBody(options: SearchOptions): { body: SearchBody } | { error: string | null } {
  if (options.query === '') return { error: null };
  if (options.query.length > 500) return { error: 'The search text is limited to 500 characters.' };
  const { source, regex } = patternOf(options);
  if (regex) {
    try {
      new RegExp(source);
    } catch (error) {
      return { error: `Invalid regular expression: ${(error as Error).message}` };
    }
  }
  return {
    body: {
      query: source,
      regex,
      caseSensitive: options.caseSensitive,
      include: expandGlobs(options.include),
      exclude: expandGlobs(options.exclude),
      maxResults: maxSearchResults,
    },
  };
}

export interface LineMatch {
  line: number;
  text: string;
  /** Matched ranges in `text`, 0-based [start, end). */
  ranges: { start: number; end: number }[];
}

export interface FileMatches {
  path: string;
  lines: LineMatch[];
  count: number;
}

/** Finds how long the match starting at each reported column is, with the same pattern the server ran. */
function matchLength(text: string, start: number, pattern: RegExp | null): number {
  if (!pattern) return 0;
  pattern.lastIndex = start;
  const match = pattern.exec(text);
  return match && match.index === start ? match[0].length : 0;
}

function compile(options: SearchOptions): RegExp | null {
  const { source, regex } = patternOf(options);
  try {
    return new RegExp(regex ? source : escapeRegExp(source), `y${options.caseSensitive ? '' : 'i'}`);
  } catch {
    return null;
  }
}

/** The server's flat match list grouped by file (in its order) and by line, with highlight ranges. */
export function groupMatches(result: SearchResult, options: SearchOptions): FileMatches[] {
  const pattern = compile(options);
  const files = new Map<string, FileMatches>();
  for (const match of result.matches) {
    let file = files.get(match.path);
    if (!file) {
      file = { path: match.path, lines: [], count: 0 };
      files.set(match.path, file);
    }
    let line = file.lines.at(-1);
    if (!line || line.line !== match.line) {
      line = { line: match.line, text: match.text, ranges: [] };
      file.lines.push(line);
    }
    const start = match.column - 1;
    line.ranges.push({ start, end: start + matchLength(match.text, start, pattern) });
    file.count += 1;
  }
  return [...files.values()];
}

export interface PreviewPart {
  text: string;
  match: boolean;
}

/** A result line cut for the sidebar: leading whitespace dropped, long prefixes elided, matches marked. */
export function previewParts(line: LineMatch, maxPrefix = 16, maxLength = 250): PreviewPart[] {
  const first = line.ranges[0]?.start ?? 0;
  const indent = line.text.length - line.text.trimStart().length;
  let from = Math.min(indent, first);
  let ellipsis = false;
  if (first - from > maxPrefix) {
    from = first - maxPrefix;
    // Start at a word boundary when there is one close by.
    const space = line.text.indexOf(' ', from);
    if (space !== -1 && space < first) from = space + 1;
    ellipsis = true;
  }
  const end = Math.min(line.text.length, from + maxLength);
  const parts: PreviewPart[] = [];
  let at = from;
  for (const range of [...line.ranges].sort((a, b) => a.start - b.start)) {
    const start = Math.max(range.start, at);
    const stop = Math.min(Math.max(range.end, start), end);
    if (start >= end) break;
    if (start > at) parts.push({ text: line.text.slice(at, start), match: false });
    if (stop > start) parts.push({ text: line.text.slice(start, stop), match: true });
    at = Math.max(at, stop);
  }
  if (at < end) parts.push({ text: line.text.slice(at, end), match: false });
  if (ellipsis) parts.unshift({ text: '…', match: false });
  if (end < line.text.length) parts.push({ text: '…', match: false });
  return parts;
}
