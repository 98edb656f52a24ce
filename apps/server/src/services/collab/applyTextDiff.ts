import { diffChars, diffLines, type Change } from 'diff';
import type * as Y from 'yjs';

/**
 * Edits `text` (whose content is `from`) into `to` with as few inserts and deletes as can be found cheaply,
 * so that an external change to a file moves only the characters that changed: cursors elsewhere stay put
 * and keystrokes made at the same time stay where they were typed. Callers wrap it in one transaction.
 *
 * Cost is bounded: the common prefix and suffix are trimmed first (most external edits touch one spot), the
 * middle is diffed by characters, then by lines when that is too costly, and replaced whole as a last resort.
 */
export function applyTextDiff(text: Y.Text, from: string, to: string): void {
  if (from === to) return;
  const prefix = commonPrefix(from, to);
  const suffix = commonSuffix(from, to, prefix);
  const removed = from.slice(prefix, from.length - suffix);
  const added = to.slice(prefix, to.length - suffix);
  let index = prefix;
  for (const change of middleChanges(removed, added)) {
    if (change.added) {
      text.insert(index, change.value);
      index += change.value.length;
    } else if (change.removed) {
      text.delete(index, change.value.length);
    } else {
      index += change.value.length;
    }
  }
}

// Character diffs are O((N+M)·D): past these budgets a file was rewritten rather than edited.
const charBudget = { maxEditLength: 2_000, timeout: 50 };
const lineBudget = { maxEditLength: 5_000, timeout: 100 };

function middleChanges(removed: string, added: string): Change[] {
  if (removed === '' || added === '') {
    return [
      { value: removed, removed: true, added: false, count: 0 },
      { value: added, removed: false, added: true, count: 0 },
    ].filter((change) => change.value !== '');
  }
  return (
    diffChars(removed, added, charBudget) ??
    diffLines(removed, added, lineBudget) ?? [
      { value: removed, removed: true, added: false, count: 0 },
      { value: added, removed: false, added: true, count: 0 },
    ]
  );
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Length of the shared start, never ending between the two halves of a surrogate pair. */
function commonPrefix(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let length = 0;
  while (length < limit && a.charCodeAt(length) === b.charCodeAt(length)) length++;
  if (length > 0 && isHighSurrogate(a.charCodeAt(length - 1))) length--;
  return length;
}

/** Length of the shared end that does not overlap the prefix, never starting inside a surrogate pair. */
function commonSuffix(a: string, b: string, prefix: number): number {
  const limit = Math.min(a.length, b.length) - prefix;
  let length = 0;
  while (length < limit && a.charCodeAt(a.length - 1 - length) === b.charCodeAt(b.length - 1 - length)) {
    length++;
  }
  if (length > 0 && isLowSurrogate(a.charCodeAt(a.length - length))) length--;
  return length;
}
