import { TreeSchema, type TreeEntry } from '@vaporform/contracts';
import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { api, apiPath } from '../../platform/api';
import { queryKeys } from '../../platform/queryKeys';
import { Dialog } from '../../ui/Dialog';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { fuzzyFilter, parseQuickOpenQuery, type FuzzyMatch } from './fuzzy';
import { basename } from './language';

function filesOf(entries: readonly TreeEntry[], into: string[] = []): string[] {
  for (const entry of entries) {
    if (entry.type === 'directory') filesOf(entry.children ?? [], into);
    else into.push(entry.path);
  }
  return into;
}

/** Highlights the matched characters of `text` (positions are offsets into it). */
function Highlighted({ text, positions }: { text: string; positions: ReadonlySet<number> }) {
  const parts: { text: string; hit: boolean }[] = [];
  for (let index = 0; index < text.length; index++) {
    const hit = positions.has(index);
    const last = parts.at(-1);
    if (last && last.hit === hit) last.text += text[index];
    else parts.push({ text: text[index]!, hit });
  }
  return (
    <>
      {parts.map((part, index) =>
        part.hit ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>,
      )}
    </>
  );
}

/** Ctrl+P: a fuzzy file picker over the project tree; `name:12` opens at line 12. */
export function QuickOpen({
  projectId,
  open,
  recent,
  onClose,
  onPick,
}: {
  projectId: string;
  open: boolean;
  /** Open files, shown first while the query is empty. */
  recent: readonly string[];
  onClose: () => void;
  onPick: (path: string, position: { line?: number; column?: number }) => void;
}) {
  return (
    <Dialog open={open} title="Go to File" onClose={onClose}>
      {open && <QuickOpenBody projectId={projectId} recent={recent} onPick={onPick} />}
    </Dialog>
  );
}

function QuickOpenBody({
  projectId,
  recent,
  onPick,
}: {
  projectId: string;
  recent: readonly string[];
  onPick: (path: string, position: { line?: number; column?: number }) => void;
}) {
  const listId = useId();
  const [input, setInput] = useState('');
  const [selected, setSelected] = useState(0);
  const tree = useQuery({
    queryKey: queryKeys.tree(projectId),
    queryFn: () => api(apiPath('projects', projectId, 'tree'), { schema: TreeSchema }),
  });
  const paths = useMemo(() => (tree.data ? filesOf(tree.data.root) : []), [tree.data]);
  const parsed = parseQuickOpenQuery(input);
  const matches = useMemo<FuzzyMatch[]>(() => {
    if (parsed.query === '') {
      const known = new Set(paths);
      const first = [...recent].reverse().filter((path) => known.has(path) || paths.length === 0);
      const rest = paths.filter((path) => !first.includes(path));
      return [...first, ...rest].slice(0, 50).map((path) => ({ path, score: 0, positions: [] }));
    }
    return fuzzyFilter(parsed.query, paths);
  }, [parsed.query, paths, recent]);
  const current = Math.min(selected, Math.max(matches.length - 1, 0));

  const pick = (match: FuzzyMatch | undefined) => {
    if (match) onPick(match.path, { line: parsed.line, column: parsed.column });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') setSelected((current + 1) % Math.max(matches.length, 1));
    else if (event.key === 'ArrowUp')
      setSelected((current - 1 + matches.length) % Math.max(matches.length, 1));
    else if (event.key === 'PageDown') setSelected(Math.min(current + 10, matches.length - 1));
    else if (event.key === 'PageUp') setSelected(Math.max(current - 10, 0));
    else if (event.key === 'Enter') pick(matches[current]);
    else return;
    event.preventDefault();
  };

  return (
    <div className="quick-open">
      <input
        className="quick-open-input"
        role="combobox"
        aria-label="Search files by name"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={matches[current] ? `${listId}-${current}` : undefined}
        aria-autocomplete="list"
        placeholder="Search files by name (append :line to go to a line)"
        autoFocus
        value={input}
        onChange={(event) => {
          setInput(event.target.value);
          setSelected(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ErrorNotice error={tree.error} />
      <ul className="quick-open-list" id={listId} role="listbox" aria-label="Files">
        {matches.map((match, index) => {
          const name = basename(match.path);
          const nameStart = match.path.length - name.length;
          const positions = new Set(match.positions);
          const namePositions = new Set(
            [...positions].filter((p) => p >= nameStart).map((p) => p - nameStart),
          );
          const folder = match.path.slice(0, Math.max(nameStart - 1, 0));
          return (
            <li
              key={match.path}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === current}
              aria-label={match.path}
              className="quick-open-item"
              onMouseMove={() => setSelected(index)}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => pick(match)}
            >
              <span className="quick-open-name">
                <Highlighted text={name} positions={namePositions} />
              </span>
              {folder && (
                <span className="quick-open-folder">
                  <Highlighted text={folder} positions={positions} />
                </span>
              )}
            </li>
          );
        })}
        {tree.isSuccess && matches.length === 0 && <li className="quick-open-empty">No matching files</li>}
        {tree.isPending && <li className="quick-open-empty">Loading files…</li>}
      </ul>
    </div>
  );
}
