import { SearchResultSchema, type Project, type SearchBody } from '@vaporform/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { api, apiPath } from '../../platform/api';
import { useCommand } from '../../platform/commands';
import { IconButton } from '../../ui/Button';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Spinner } from '../../ui/Spinner';
import { useEditors } from '../editor';
import { buildSearchBody, groupMatches, previewParts, type SearchOptions } from './searchModel';
import './search.css';

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const dirname = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/**
 * Find in files: the query with match case / whole word / regex toggles and include/exclude globs;
 * results grouped by file, a click opens the file at the match.
 *
 * Like VS Code, showing the view puts the cursor in the query (`autoFocus`, on by default). The workbench
 * owns `workbench.view.search` (Ctrl+Shift+F) because it decides which view shows; when the view is already
 * visible it can bump `focusRequest` to move the cursor there again.
 */
export function SearchView({
  project,
  autoFocus = true,
  focusRequest,
}: {
  project: Project;
  autoFocus?: boolean;
  focusRequest?: number;
}) {
  const editors = useEditors();
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const resultsRef = useRef<HTMLDivElement>(null);
  const [options, setOptions] = useState<SearchOptions>({
    query: '',
    caseSensitive: false,
    wholeWord: false,
    regex: false,
    include: '',
    exclude: '',
  });
  const [showDetails, setShowDetails] = useState(true);
  const [submitted, setSubmitted] = useState<{ body: SearchBody; options: SearchOptions } | null>(null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const built = useMemo(() => buildSearchBody(options), [options]);

  // Search as you type, 300 ms after the last change (Enter searches at once).
  useEffect(() => {
    if (!('body' in built)) return undefined;
    const timer = setTimeout(() => setSubmitted({ body: built.body, options }), 300);
    return () => clearTimeout(timer);
  }, [built, options]);

  const results = useQuery({
    queryKey: ['projects', project.id, 'search', submitted?.body],
    queryFn: ({ signal }) =>
      api(apiPath('projects', project.id, 'search'), {
        method: 'POST',
        body: submitted!.body,
        schema: SearchResultSchema,
        signal,
      }),
    enabled: submitted !== null && options.query !== '',
    placeholderData: keepPreviousData,
    staleTime: 0,
    gcTime: 30_000,
  });
  const groups = useMemo(
    () => (results.data && submitted ? groupMatches(results.data, submitted.options) : []),
    [results.data, submitted],
  );
  const total = groups.reduce((sum, file) => sum + file.count, 0);

  const focusQuery = () => {
    inputRef.current?.focus();
    inputRef.current?.select();
  };
  useEffect(() => {
    if (!autoFocus && focusRequest === undefined) return;
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [autoFocus, focusRequest]);
  useCommand({ id: 'search.action.focusQueryInput', title: 'Search: Focus Search Input', run: focusQuery });

  const change = (patch: Partial<SearchOptions>) => setOptions((current) => ({ ...current, ...patch }));
  const toggle = (key: 'caseSensitive' | 'wholeWord' | 'regex') => change({ [key]: !options[key] });

  const searchNow = () => {
    if ('body' in built) {
      setSubmitted({ body: built.body, options });
      if (submitted && JSON.stringify(submitted.body) === JSON.stringify(built.body)) void results.refetch();
    }
  };

  const onQueryKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      searchNow();
    } else if (event.key === 'ArrowDown' && !event.shiftKey && groups.length > 0) {
      const caretAtEnd = event.currentTarget.selectionStart === event.currentTarget.value.length;
      if (caretAtEnd) {
        event.preventDefault();
        resultsRef.current?.querySelector<HTMLElement>('[data-search-row]')?.focus();
      }
    } else if (event.altKey && !event.ctrlKey && !event.metaKey) {
      // VS Code's Alt+C / Alt+W / Alt+R toggles.
      const key = event.key.toLowerCase();
      const toggles = { c: 'caseSensitive', w: 'wholeWord', r: 'regex' } as const;
      if (key in toggles) {
        event.preventDefault();
        toggle(toggles[key as keyof typeof toggles]);
      }
    }
  };

  const onResultsKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const rows = [...(resultsRef.current?.querySelectorAll<HTMLElement>('[data-search-row]') ?? [])];
    const index = rows.indexOf(document.activeElement as HTMLElement);
    const current = rows[index];
    let next: HTMLElement | undefined;
    if (event.key === 'ArrowDown') next = rows[Math.min(index + 1, rows.length - 1)];
    else if (event.key === 'ArrowUp') {
      if (index <= 0) {
        event.preventDefault();
        focusQuery();
        return;
      }
      next = rows[index - 1];
    } else if (event.key === 'Home') next = rows[0];
    else if (event.key === 'End') next = rows.at(-1);
    else if ((event.key === 'ArrowLeft' || event.key === 'ArrowRight') && current?.dataset.file) {
      const path = current.dataset.file;
      const closing = event.key === 'ArrowLeft';
      setCollapsed((set) => {
        const copy = new Set(set);
        if (closing) copy.add(path);
        else copy.delete(path);
        return copy;
      });
    } else if (event.key === 'Enter' || event.key === ' ') {
      current?.click();
    } else return;
    event.preventDefault();
    next?.focus();
  };

  const error = 'error' in built ? built.error : null;

  return (
    <div className="side-view">
      <div className="side-view-header">
        {/* The workbench titles the view; this row holds its actions, like VS Code's title bar actions. */}
        <div className="search-toolbar" role="toolbar" aria-label="Search actions">
          <IconButton label="Refresh" onClick={searchNow} disabled={!('body' in built)}>
            ↻
          </IconButton>
          <IconButton
            label="Clear Search Results"
            onClick={() => {
              change({ query: '' });
              setSubmitted(null);
              focusQuery();
            }}
          >
            ⌫
          </IconButton>
          <IconButton
            label={collapsed.size > 0 ? 'Expand All' : 'Collapse All'}
            onClick={() =>
              setCollapsed(collapsed.size > 0 ? new Set() : new Set(groups.map((file) => file.path)))
            }
            disabled={groups.length === 0}
          >
            {collapsed.size > 0 ? '⊞' : '⊟'}
          </IconButton>
        </div>
      </div>
      <div className="search-form">
        <div className="search-query">
          <IconButton
            label={showDetails ? 'Hide Search Details' : 'Show Search Details'}
            className="search-details-toggle"
            aria-expanded={showDetails}
            onClick={() => setShowDetails(!showDetails)}
          >
            <span className="search-chevron" data-open={showDetails || undefined} aria-hidden="true">
              ›
            </span>
          </IconButton>
          <div className="search-input-box" data-invalid={error ? true : undefined}>
            <textarea
              ref={inputRef}
              className="search-input"
              aria-label="Search"
              placeholder="Search"
              rows={1}
              spellCheck={false}
              value={options.query}
              onChange={(event) => change({ query: event.target.value })}
              onKeyDown={onQueryKeyDown}
            />
            <span className="search-toggles">
              <Toggle
                label="Match Case"
                hint="Alt+C"
                pressed={options.caseSensitive}
                onClick={() => toggle('caseSensitive')}
              >
                Aa
              </Toggle>
              <Toggle
                label="Match Whole Word"
                hint="Alt+W"
                pressed={options.wholeWord}
                onClick={() => toggle('wholeWord')}
              >
                <span className="search-whole-word">ab</span>
              </Toggle>
              <Toggle
                label="Use Regular Expression"
                hint="Alt+R"
                pressed={options.regex}
                onClick={() => toggle('regex')}
              >
                .*
              </Toggle>
            </span>
          </div>
        </div>
        {error && (
          <div className="search-problem" role="alert">
            {error}
          </div>
        )}
        {showDetails && (
          <div className="search-details">
            <label className="search-field">
              <span>files to include</span>
              <input
                value={options.include}
                placeholder="e.g. *.ts, src/**/include"
                aria-label="files to include"
                spellCheck={false}
                onChange={(event) => change({ include: event.target.value })}
                onKeyDown={(event) => event.key === 'Enter' && searchNow()}
              />
            </label>
            <label className="search-field">
              <span>files to exclude</span>
              <input
                value={options.exclude}
                placeholder="e.g. *.test.ts, dist"
                aria-label="files to exclude"
                spellCheck={false}
                onChange={(event) => change({ exclude: event.target.value })}
                onKeyDown={(event) => event.key === 'Enter' && searchNow()}
              />
            </label>
          </div>
        )}
      </div>
      <div className="search-summary" role="status" aria-live="polite">
        {options.query !== '' && results.isFetching && <Spinner label="Searching" />}
        {options.query !== '' && results.data && !results.isPlaceholderData && (
          <span>
            {total === 0
              ? 'No results found. Review your include and exclude patterns.'
              : `${total} result${total === 1 ? '' : 's'} in ${groups.length} file${groups.length === 1 ? '' : 's'}`}
          </span>
        )}
      </div>
      {results.data?.truncated && options.query !== '' && (
        <div className="search-note" role="note">
          The result set only contains a subset of all matches. Be more specific in your search to narrow down
          the results.
        </div>
      )}
      {options.query !== '' && <ErrorNotice error={results.error} />}
      {options.query !== '' && (
        <div
          ref={resultsRef}
          className="search-results"
          role="tree"
          aria-label="Search results"
          onKeyDown={onResultsKeyDown}
          data-stale={results.isPlaceholderData || undefined}
        >
          {groups.map((file) => {
            const open = !collapsed.has(file.path);
            return (
              <div key={file.path} role="none">
                <div
                  className="search-file"
                  role="treeitem"
                  aria-level={1}
                  aria-expanded={open}
                  aria-label={`${file.path}, ${file.count} result${file.count === 1 ? '' : 's'}`}
                  tabIndex={-1}
                  data-search-row
                  data-file={file.path}
                  title={file.path}
                  onClick={() =>
                    setCollapsed((set) => {
                      const copy = new Set(set);
                      if (open) copy.add(file.path);
                      else copy.delete(file.path);
                      return copy;
                    })
                  }
                >
                  <span className="search-chevron" data-open={open || undefined} aria-hidden="true">
                    ›
                  </span>
                  <span className="search-file-name">{basename(file.path)}</span>
                  <span className="search-file-folder">{dirname(file.path)}</span>
                  <span className="search-count" aria-hidden="true">
                    {file.count}
                  </span>
                </div>
                {open &&
                  file.lines.map((line) => (
                    <div
                      key={line.line}
                      className="search-match"
                      role="treeitem"
                      aria-level={2}
                      tabIndex={-1}
                      data-search-row
                      title={`${file.path}:${line.line}`}
                      onClick={() =>
                        editors.openFile(file.path, {
                          line: line.line,
                          column: (line.ranges[0]?.start ?? 0) + 1,
                        })
                      }
                    >
                      <span className="search-preview">
                        {previewParts(line).map((part, index) =>
                          part.match ? (
                            <mark key={index}>{part.text}</mark>
                          ) : (
                            <span key={index}>{part.text}</span>
                          ),
                        )}
                      </span>
                      <span className="search-line-number" aria-hidden="true">
                        {line.line}
                      </span>
                    </div>
                  ))}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}

function Toggle({
  label,
  hint,
  pressed,
  onClick,
  children,
}: {
  label: string;
  hint: string;
  pressed: boolean;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className="search-toggle"
      aria-label={label}
      aria-pressed={pressed}
      title={`${label} (${hint})`}
      onClick={onClick}
    >
      {children}
    </button>
  );
}
