export interface DiffFileSummary {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  /** null for binary files, which have no lines to count. */
  additions: number | null;
  deletions: number | null;
}

const numstatPattern = /^(\d+|-)\t(\d+|-)\t([\s\S]*)$/;

/**
 * Parses `git diff-tree -r -z -M --raw --numstat`: every raw record, then every numstat record. With `-z`
 * paths are verbatim (no quoting), so names with spaces, tabs, quotes or leading dashes survive.
 */
export function parseDiffSummary(output: string): DiffFileSummary[] {
  const tokens = output.split('\0');
  const files: DiffFileSummary[] = [];
  let i = 0;
  // Raw: ":<mode> <mode> <sha> <sha> <status>", then the path, or source and destination for R and C.
  while (tokens[i]?.startsWith(':')) {
    const letter = tokens[i]!.split(' ')[4]?.charAt(0) ?? 'M';
    const twoPaths = letter === 'R' || letter === 'C';
    const path = tokens[twoPaths ? i + 2 : i + 1] ?? '';
    files.push({ path, status: statusOf(letter), additions: null, deletions: null });
    i += twoPaths ? 3 : 2;
  }
  const byPath = new Map(files.map((file) => [file.path, file]));
  // Numstat: "<added>\t<deleted>\t<path>", or an empty path followed by source and destination.
  while (i < tokens.length) {
    const match = numstatPattern.exec(tokens[i]!);
    if (match === null) {
      i += 1;
      continue;
    }
    const [, added, deleted, inline] = match;
    const path = inline === '' ? (tokens[i + 2] ?? '') : inline!;
    i += inline === '' ? 3 : 1;
    const file = byPath.get(path);
    if (file === undefined) continue;
    file.additions = added === '-' ? null : Number(added);
    file.deletions = deleted === '-' ? null : Number(deleted);
  }
  return files;
}

function statusOf(letter: string): DiffFileSummary['status'] {
  switch (letter) {
    case 'A':
    case 'C':
      return 'added';
    case 'D':
      return 'deleted';
    case 'R':
      return 'renamed';
    default:
      // M, and T (a file became a symlink or back): the path is still there with other content.
      return 'modified';
  }
}
