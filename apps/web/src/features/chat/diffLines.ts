export type DiffLineKind = 'add' | 'del' | 'hunk' | 'context' | 'note' | 'header';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

/** What a line of a unified diff is: `+`/`-` changes, `@@` hunk headers, the file headers, or context. */
export function classifyDiffLine(line: string): DiffLineKind {
  if (line.startsWith('+++ ') || line.startsWith('--- ') || line === '+++' || line === '---') return 'header';
  if (/^(=+|Index: |diff |index |new file mode|deleted file mode|similarity index|rename )/.test(line)) {
    return 'header';
  }
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  if (line.startsWith('\\')) return 'note';
  return 'context';
}

/**
 * The lines of a unified diff to show: the file headers go (the path is shown above), the rest is classified.
 * Hunks are read by their line counts, so a removed line that reads `-- x` is a removal, not a file header.
 */
export function parseDiff(diff: string): DiffLine[] {
  const out: DiffLine[] = [];
  let oldLeft = 0;
  let newLeft = 0;
  for (const text of diff.replace(/\n$/, '').split('\n')) {
    if (oldLeft > 0 || newLeft > 0) {
      const kind = text.startsWith('\\')
        ? 'note'
        : text.startsWith('+')
          ? 'add'
          : text.startsWith('-')
            ? 'del'
            : 'context';
      if (kind !== 'add' && kind !== 'note') oldLeft -= 1;
      if (kind !== 'del' && kind !== 'note') newLeft -= 1;
      out.push({ kind, text });
      continue;
    }
    const kind = classifyDiffLine(text);
    if (kind === 'hunk') {
      const counts = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(text);
      // An unreadable header: the rest of the text is taken as its hunk.
      oldLeft = counts ? Number(counts[1] ?? 1) : Infinity;
      newLeft = counts ? Number(counts[2] ?? 1) : Infinity;
      out.push({ kind, text });
    } else if (kind === 'note' && out.length > 0) {
      out.push({ kind, text });
    }
  }
  return out;
}

export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.kind === 'add') added += 1;
    if (line.kind === 'del') removed += 1;
  }
  return { added, removed };
}
