/** A candidate that matched, with the indexes of the matched characters (for highlighting). */
export interface FuzzyMatch {
  path: string;
  score: number;
  /** Indexes into `path`. */
  positions: number[];
}

const separators = new Set(['/', '\\', '.', '-', '_', ' ']);

function isWordStart(text: string, index: number): boolean {
  if (index === 0) return true;
  const previous = text[index - 1]!;
  if (separators.has(previous)) return true;
  const current = text[index]!;
  // camelCase: a capital after a lower-case letter.
  return (
    current !== current.toLowerCase() &&
    previous === previous.toLowerCase() &&
    previous !== previous.toUpperCase()
  );
}

/** Whether `query[from…]` appears in order in `text[at…]`. */
function isSubsequence(query: string, from: number, text: string, at: number): boolean {
  let position = at;
  for (let q = from; q < query.length; q++) {
    position = text.indexOf(query[q]!, position);
    if (position === -1) return false;
    position++;
  }
  return true;
}

/** Greedy in-order match of `query` in `text` from `from`, preferring word starts; null if it does not fit. */
function matchFrom(query: string, text: string, from: number): { score: number; positions: number[] } | null {
  const lower = text.toLowerCase();
  const positions: number[] = [];
  let score = 0;
  let at = from;
  for (let q = 0; q < query.length; q++) {
    const char = query[q]!;
    let index = lower.indexOf(char, at);
    if (index === -1) return null;
    // A word start a little further on beats a mid-word hit here, unless this one continues a run.
    const continues = positions.length > 0 && positions.at(-1) === index - 1;
    if (!continues && !isWordStart(text, index)) {
      for (let probe = lower.indexOf(char, index + 1); probe !== -1; probe = lower.indexOf(char, probe + 1)) {
        if (isWordStart(text, probe)) {
          // Only worth it if the rest of the query still fits after it.
          if (isSubsequence(query, q + 1, lower, probe + 1)) index = probe;
          break;
        }
      }
    }
    // A run scores by being a run; a word start scores where a new run begins.
    score += 1;
    if (positions.length > 0 && positions.at(-1) === index - 1) score += 4;
    else if (isWordStart(text, index)) score += 6;
    if (text[index] === query[q]) score += 0.5;
    positions.push(index);
    at = index + 1;
  }
  return { score, positions };
}

/**
 * Scores `path` against a quick-open query like VS Code's file picker: the query's characters must appear
 * in order (case-insensitive; spaces ignored); matches in the file name, at word starts and in runs score
 * higher. A query with `/` matches the whole path. Null when the path does not match.
 */
export function fuzzyScore(rawQuery: string, path: string): FuzzyMatch | null {
  const query = rawQuery.replace(/\s+/g, '').toLowerCase();
  if (query === '') return { path, score: 0, positions: [] };
  const nameStart = path.lastIndexOf('/') + 1;
  const name = path.slice(nameStart);
  if (!query.includes('/')) {
    const inName = matchFrom(query, name, 0);
    if (inName) {
      let score = inName.score * 2 + 10;
      if (name.toLowerCase().startsWith(query)) score += 20;
      if (name.toLowerCase() === query || name.toLowerCase().split('.')[0] === query) score += 30;
      return { path, score, positions: inName.positions.map((index) => index + nameStart) };
    }
  }
  const inPath = matchFrom(query, path, 0);
  if (!inPath) return null;
  return { path, score: inPath.score, positions: inPath.positions };
}

/** The best `limit` matches, best first; ties go to shorter, then alphabetically earlier paths. */
export function fuzzyFilter(query: string, paths: readonly string[], limit = 50): FuzzyMatch[] {
  const matches: FuzzyMatch[] = [];
  for (const path of paths) {
    const match = fuzzyScore(query, path);
    if (match) matches.push(match);
  }
  matches.sort((a, b) => b.score - a.score || a.path.length - b.path.length || a.path.localeCompare(b.path));
  return matches.slice(0, limit);
}

/** `src/app.ts:12:3` → the path part and the position, as VS Code's quick open reads it. */
export function parseQuickOpenQuery(raw: string): { query: string; line?: number; column?: number } {
  const match = /^(.*?)(?::(\d+)(?::(\d+))?)?\s*$/.exec(raw.trim());
  const query = match?.[1] ?? raw.trim();
  const line = match?.[2] ? Number(match[2]) : undefined;
  const column = match?.[3] ? Number(match[3]) : undefined;
  return { query, ...(line ? { line } : {}), ...(column ? { column } : {}) };
}
