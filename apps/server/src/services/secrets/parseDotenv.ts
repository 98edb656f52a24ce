/** One assignment of a dotenv file. */
export interface DotenvEntry {
  name: string;
  value: string;
  /** 1-based, inclusive: a quoted value may span several lines. */
  firstLine: number;
  lastLine: number;
}

export interface DotenvProblem {
  line: number;
  reason: string;
}

export interface ParsedDotenv {
  entries: DotenvEntry[];
  /** Lines that are neither blank, a comment nor a readable assignment. */
  problems: DotenvProblem[];
}

const assignment = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=[ \t]*/;
const doubleQuotedEscapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * The file's lines with their own line endings, so a rewrite keeps every untouched byte (CRLF files stay
 * CRLF, the last line keeps or lacks its newline).
 */
export function splitDotenvLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function stripEol(line: string): string {
  return line.replace(/\r?\n$/, '');
}

/** After a closing quote only blanks and a comment may follow. */
function restIsComment(rest: string): boolean {
  return /^\s*(?:#.*)?$/.test(rest);
}

/**
 * Reads dotenv syntax as the common loaders do: `NAME=value`, an optional `export ` prefix, `#` comments
 * and blank lines. Unquoted values are trimmed and end at a ` #` comment (a `#` inside a word, as in a URL
 * fragment or a password, is kept). 'single' and `backtick` quotes are literal; "double" quotes take `\n`,
 * `\r`, `\t`, `\"` and `\\`. Quoted values may span lines. `${VAR}` is not expanded. Nothing here holds a
 * value in a problem's reason.
 */
export function parseDotenv(text: string): ParsedDotenv {
  const lines = splitDotenvLines(text).map(stripEol);
  const entries: DotenvEntry[] = [];
  const problems: DotenvProblem[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const number = index + 1;
    if (/^\s*(?:#.*)?$/.test(line)) continue;
    const match = assignment.exec(line);
    if (!match) {
      problems.push({ line: number, reason: 'not a NAME=value assignment' });
      continue;
    }
    const name = match[1] ?? '';
    const rest = line.slice(match[0].length);
    const quote = rest[0];
    if (quote !== '"' && quote !== "'" && quote !== '`') {
      const value = rest.replace(/(?:^|\s+)#.*$/, '').trim();
      entries.push({ name, value, firstLine: number, lastLine: number });
      continue;
    }
    const quoted = readQuoted(lines, index, match[0].length + 1, quote);
    if (!quoted) {
      problems.push({ line: number, reason: `the ${quote} quote is not closed` });
      continue;
    }
    if (!restIsComment(quoted.rest)) {
      // Across lines this is most likely a stray quote: the lines after it are read on their own.
      const reason =
        quoted.lastIndex === index
          ? 'unexpected text after the closing quote'
          : `the ${quote} quote is not closed (the next one, on line ${quoted.lastIndex + 1}, has text after it)`;
      problems.push({ line: number, reason });
      continue;
    }
    entries.push({ name, value: quoted.value, firstLine: number, lastLine: quoted.lastIndex + 1 });
    index = quoted.lastIndex;
  }
  return { entries, problems };
}

/** The quoted value from `start` on line `index`, possibly across lines; null when it never closes. */
function readQuoted(
  lines: string[],
  index: number,
  start: number,
  quote: string,
): { value: string; rest: string; lastIndex: number } | null {
  let value = '';
  for (let at = index; at < lines.length; at++) {
    const line = lines[at] ?? '';
    for (let position = at === index ? start : 0; position < line.length; position++) {
      const char = line[position] ?? '';
      if (quote === '"' && char === '\\' && position + 1 < line.length) {
        const next = line[position + 1] ?? '';
        value += doubleQuotedEscapes[next] ?? `\\${next}`;
        position++;
        continue;
      }
      if (char === quote) return { value, rest: line.slice(position + 1), lastIndex: at };
      value += char;
    }
    value += '\n';
  }
  return null;
}

/** The file without the given 1-based lines; every other line is kept byte for byte. */
export function withoutLines(text: string, remove: ReadonlySet<number>): string {
  return splitDotenvLines(text)
    .filter((_, index) => !remove.has(index + 1))
    .join('');
}
