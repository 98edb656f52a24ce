/** A replacement of `oldText.slice(start, end)` by `text`; offsets are into the old text. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Splits into lines that keep their terminator, so joining them gives the text back exactly. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let from = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', from)) {
    lines.push(text.slice(from, at + 1));
    from = at + 1;
  }
  if (from < text.length) lines.push(text.slice(from));
  return lines;
}

/** Applies non-overlapping edits (offsets into `text`, any order) and returns the new text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let result = '';
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    result += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return result + text.slice(at);
}

interface Hunk {
  /** Old lines [oldStart, oldEnd) are replaced by new lines [newStart, newEnd). */
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/**
 * Myers' O(ND) diff over line ids; null when the lines differ in more than `maxCost` places, where a
 * coarse single edit is good enough and the exact diff would cost too much.
 */
function diffLines(a: readonly number[], b: readonly number[], maxCost: number): Hunk[] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxCost);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    const next = v;
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && next[offset + k - 1]! < next[offset + k + 1]!)) x = next[offset + k + 1]!;
      else x = next[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    v = next;
  }
  if (found < 0) return null;

  // Walk the trace back from (n, m), collecting the single-line steps, then merge them into hunks.
  const steps: { kind: 'delete' | 'insert'; x: number; y: number }[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const previous = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && previous[offset + k - 1]! < previous[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = previous[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
    }
    if (down) steps.push({ kind: 'insert', x: prevX, y: prevY });
    else steps.push({ kind: 'delete', x: prevX, y: prevY });
    x = prevX;
    y = prevY;
  }
  steps.reverse();
  const hunks: Hunk[] = [];
  for (const step of steps) {
    const last = hunks.at(-1);
    const oldEnd = step.kind === 'delete' ? step.x + 1 : step.x;
    const newEnd = step.kind === 'insert' ? step.y + 1 : step.y;
    if (last && last.oldEnd === step.x && last.newEnd === step.y) {
      last.oldEnd = oldEnd;
      last.newEnd = newEnd;
    } else {
      hunks.push({ oldStart: step.x, oldEnd, newStart: step.y, newEnd });
    }
  }
  return hunks;
}

/** Trims the common prefix and suffix of two strings, character by character. */
function trimmedEdit(oldText: string, newText: string, base: number): TextEdit | null {
  if (oldText === newText) return null;
  let start = 0;
  const shorter = Math.min(oldText.length, newText.length);
  while (start < shorter && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < shorter - start &&
    oldText.charCodeAt(oldText.length - 1 - end) === newText.charCodeAt(newText.length - 1 - end)
  ) {
    end++;
  }
  // Never split a surrogate pair: widen the edit to whole characters.
  if (start > 0 && isHighSurrogate(oldText.charCodeAt(start - 1))) start--;
  if (end > 0 && isLowSurrogate(oldText.charCodeAt(oldText.length - end))) end--;
  return {
    start: base + start,
    end: base + oldText.length - end,
    text: newText.slice(start, newText.length - end),
  };
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The smallest set of edits that turns `oldText` into `newText`: a line diff, each changed block then
 * trimmed to the characters that differ. Applied to an editor model, text outside the edits keeps its
 * cursors, selections, folding and undo history, unlike replacing the whole value.
 */
export function minimalEdits(oldText: string, newText: string, maxCost = 1000): TextEdit[] {
  if (oldText === newText) return [];
  const oldLines = splitLines(oldText);
  const newLines = splitLines(newText);
  // Common leading and trailing lines are cheap to skip and make the diff below small.
  let head = 0;
  while (head < oldLines.length && head < newLines.length && oldLines[head] === newLines[head]) head++;
  let tail = 0;
  while (
    tail < oldLines.length - head &&
    tail < newLines.length - head &&
    oldLines[oldLines.length - 1 - tail] === newLines[newLines.length - 1 - tail]
  ) {
    tail++;
  }
  const ids = new Map<string, number>();
  const idOf = (line: string) => {
    let id = ids.get(line);
    if (id === undefined) {
      id = ids.size;
      ids.set(line, id);
    }
    return id;
  };
  const a = oldLines.slice(head, oldLines.length - tail).map(idOf);
  const b = newLines.slice(head, newLines.length - tail).map(idOf);

  const oldOffsets = [0];
  for (const line of oldLines) oldOffsets.push(oldOffsets.at(-1)! + line.length);
  const newOffsets = [0];
  for (const line of newLines) newOffsets.push(newOffsets.at(-1)! + line.length);

  const hunks = diffLines(a, b, maxCost) ?? [
    { oldStart: 0, oldEnd: a.length, newStart: 0, newEnd: b.length },
  ];
  const edits: TextEdit[] = [];
  for (const hunk of hunks) {
    const oldFrom = oldOffsets[head + hunk.oldStart]!;
    const oldTo = oldOffsets[head + hunk.oldEnd]!;
    const newFrom = newOffsets[head + hunk.newStart]!;
    const newTo = newOffsets[head + hunk.newEnd]!;
    const edit = trimmedEdit(oldText.slice(oldFrom, oldTo), newText.slice(newFrom, newTo), oldFrom);
    if (edit) edits.push(edit);
  }
  return edits;
}
