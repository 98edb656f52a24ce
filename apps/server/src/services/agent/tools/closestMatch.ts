/**
 * Finds where in a file an edit's `oldText` was probably meant to go, so a failed edit can show the model
 * what the file really has there.
 */

export interface ClosestRegion {
  /** 1-based file line that corresponds to `oldLine`. */
  line: number;
  /** oldText occurs in the file once all whitespace is ignored. */
  whitespaceOnly: boolean;
  /** For a whitespace-only mismatch: the first oldText line whose indentation differs from the file's. */
  indentMismatch?: { fileLine: number; fileIndent: string; oldIndent: string };
}

const minimumSimilarity = 0.3;
const comparedLines = 5;

export function closestRegion(
  fileLines: string[],
  content: string,
  oldText: string,
): ClosestRegion | undefined {
  const oldLines = oldText.split('\n').map((line) => line.replace(/\r$/, ''));
  while (oldLines.length > 0 && (oldLines[0] ?? '').trim() === '') oldLines.shift();
  while (oldLines.length > 0 && (oldLines[oldLines.length - 1] ?? '').trim() === '') oldLines.pop();
  if (oldLines.length === 0) return undefined;

  const exact = whitespaceInsensitiveLine(content, oldText);
  if (exact !== undefined) {
    return { line: exact, whitespaceOnly: true, indentMismatch: indentMismatch(fileLines, exact, oldLines) };
  }
  const similar = mostSimilarLine(fileLines, oldLines);
  return similar === undefined ? undefined : { line: similar, whitespaceOnly: false };
}

/** The line where oldText starts if the file contains it once whitespace is removed from both. */
function whitespaceInsensitiveLine(content: string, oldText: string): number | undefined {
  const needle = oldText.replace(/\s+/g, '');
  if (needle === '') return undefined;
  const index = content.replace(/\s+/g, '').indexOf(needle);
  if (index === -1) return undefined;
  let line = 1;
  let seen = 0;
  for (const char of content) {
    if (char === '\n') line++;
    else if (!/\s/.test(char)) {
      if (seen === index) return line;
      seen++;
    }
  }
  return undefined;
}

function indentMismatch(
  fileLines: string[],
  start: number,
  oldLines: string[],
): ClosestRegion['indentMismatch'] {
  for (const [offset, oldLine] of oldLines.entries()) {
    const fileLine = fileLines[start - 1 + offset];
    if (fileLine === undefined) return undefined;
    if (collapse(fileLine) !== collapse(oldLine)) {
      // Only the first line may start mid-line; after that the structure no longer lines up.
      if (offset === 0 && collapse(fileLine).endsWith(collapse(oldLine))) continue;
      return undefined;
    }
    const fileIndent = describeIndent(fileLine);
    const oldIndent = describeIndent(oldLine);
    if (fileIndent !== oldIndent) return { fileLine: start + offset, fileIndent, oldIndent };
  }
  return undefined;
}

/** "4 spaces", "1 tab", "1 tab and 2 spaces", "no indentation". */
export function describeIndent(line: string): string {
  const indent = /^[ \t]*/.exec(line)?.[0] ?? '';
  if (indent === '') return 'no indentation';
  const tabs = [...indent].filter((char) => char === '\t').length;
  const spaces = indent.length - tabs;
  const parts: string[] = [];
  if (tabs > 0) parts.push(`${tabs} ${tabs === 1 ? 'tab' : 'tabs'}`);
  if (spaces > 0) parts.push(`${spaces} ${spaces === 1 ? 'space' : 'spaces'}`);
  return parts.join(' and ');
}

function collapse(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

/**
 * The file line that best matches the start of oldText: character-bigram similarity of the first line,
 * weighted double, plus that of the next few lines against the lines that follow in the file.
 */
function mostSimilarLine(fileLines: string[], oldLines: string[]): number | undefined {
  const wanted = oldLines.slice(0, comparedLines).map((line) => collapse(line).slice(0, 500));
  const wantedGrams = wanted.map(bigrams);
  const first = wanted[0] ?? '';
  const fileNormal = fileLines.map((line) => collapse(line).slice(0, 500));
  const fileGrams = new Map<number, Map<string, number>>();
  const gramsOf = (index: number) => {
    let grams = fileGrams.get(index);
    if (!grams) {
      grams = bigrams(fileNormal[index] ?? '');
      fileGrams.set(index, grams);
    }
    return grams;
  };
  const similarity = (index: number, j: number) => {
    const a = fileNormal[index];
    const b = wanted[j];
    if (a === undefined || b === undefined) return 0;
    if (a === b) return 1;
    return dice(gramsOf(index), wantedGrams[j] ?? new Map<string, number>());
  };

  let best: { line: number; score: number } | undefined;
  for (let index = 0; index < fileLines.length; index++) {
    if (fileNormal[index] === '') continue;
    let head = similarity(index, 0);
    if (first.length >= 3 && (fileNormal[index] ?? '').includes(first)) head = Math.max(head, 0.9);
    if (head < minimumSimilarity / 2) continue;
    let score = 2 * head;
    for (let j = 1; j < wanted.length; j++) score += similarity(index + j, j);
    score /= wanted.length + 1;
    if (!best || score > best.score) best = { line: index + 1, score };
  }
  return best && best.score >= minimumSimilarity ? best.line : undefined;
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i++) {
    const gram = text.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

function dice(a: Map<string, number>, b: Map<string, number>): number {
  let sizeA = 0;
  let sizeB = 0;
  for (const count of a.values()) sizeA += count;
  for (const count of b.values()) sizeB += count;
  if (sizeA === 0 || sizeB === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const [gram, count] of small) shared += Math.min(count, large.get(gram) ?? 0);
  return (2 * shared) / (sizeA + sizeB);
}
