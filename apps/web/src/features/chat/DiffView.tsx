import { useMemo, useState, type ReactNode } from 'react';
import { Icon } from '../../ui/Icon';
import { useEditors } from '../editor';
import { diffStats, parseDiff } from './diffLines';

const maxLines = 1500;
const basename = (path: string) => path.split('/').at(-1) ?? path;

/**
 * A file the turn changed: a row with the path and +/− counts that expands to the unified diff, and buttons
 * that open the file. Without the diff (a turn loaded after it finished: the server keeps only the paths),
 * "Compare" opens the editor's diff against the checkpoint taken before the turn.
 */
export function DiffView({
  path,
  diff,
  checkpointId,
  children,
}: {
  path: string;
  diff: string | undefined;
  checkpointId: string | null;
  /** Extra actions at the end of the row (review mode's accept and reject). */
  children?: ReactNode;
}) {
  const editors = useEditors();
  const [open, setOpen] = useState(false);
  const lines = useMemo(() => (diff === undefined ? [] : parseDiff(diff)), [diff]);
  const stats = diffStats(lines);
  const label = (
    <>
      <span className="chat-file-path" title={path}>
        {path}
      </span>
      {diff !== undefined && (
        <span className="chat-diff-stat">
          <span data-kind="add">+{stats.added}</span> <span data-kind="del">−{stats.removed}</span>
        </span>
      )}
    </>
  );
  return (
    <div className="chat-file">
      <div className="chat-file-row">
        {diff === undefined ? (
          <span className="chat-file-toggle">
            <Icon name="file" />
            {label}
          </span>
        ) : (
          <button
            type="button"
            className="chat-file-toggle"
            aria-expanded={open}
            onClick={() => setOpen((value) => !value)}
          >
            <Icon name={open ? 'chevron-down' : 'chevron-right'} />
            {label}
          </button>
        )}
        {diff === undefined && checkpointId && (
          <button
            type="button"
            className="chat-link-button"
            title={`Compare ${path} before the turn with now`}
            onClick={() =>
              editors.openDiff({
                path,
                from: checkpointId,
                title: `${basename(path)} (before the turn ↔ now)`,
              })
            }
          >
            Compare
          </button>
        )}
        <button
          type="button"
          className="chat-link-button"
          title={`Open ${path}`}
          onClick={() => editors.openFile(path)}
        >
          Open
        </button>
        {children}
      </div>
      {open && (
        <pre className="chat-diff" aria-label={`Changes to ${path}`}>
          {lines.slice(0, maxLines).map((line, index) => (
            <span key={index} className="chat-diff-line" data-kind={line.kind}>
              {line.text || ' '}
              {'\n'}
            </span>
          ))}
          {lines.length > maxLines && (
            <span className="chat-diff-line" data-kind="note">
              … {lines.length - maxLines} more lines
            </span>
          )}
        </pre>
      )}
    </div>
  );
}
