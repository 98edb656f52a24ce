import type { DragEvent, MouseEvent } from 'react';
import { PresenceDots, type PresenceUser } from '../collab';
import { Icon } from './icons';
import type { EntryRow } from './useTreeState';

/** The row's left padding for its depth; the inline name input lines up with the rows the same way. */
export const indent = (depth: number) => ({ paddingLeft: `${8 + depth * 12}px` });

/** One file or folder of the tree (an ARIA treeitem). */
export function TreeRow({
  row,
  selected,
  focusable,
  active,
  dirty,
  viewers,
  dropTarget,
  draggable,
  onClick,
  onContextMenu,
  onDragStart,
}: {
  row: EntryRow;
  selected: boolean;
  focusable: boolean;
  active: boolean;
  dirty: boolean;
  /** Others who have this file open. */
  viewers?: readonly PresenceUser[];
  dropTarget: boolean;
  draggable: boolean;
  onClick: (event: MouseEvent) => void;
  onContextMenu: (event: MouseEvent) => void;
  onDragStart: (event: DragEvent) => void;
}) {
  const { entry, depth, expanded } = row;
  const folder = entry.type === 'directory';
  return (
    <div
      className="explorer-row"
      role="treeitem"
      aria-label={entry.name}
      aria-level={depth + 1}
      aria-expanded={folder ? expanded : undefined}
      aria-selected={selected}
      data-path={entry.path}
      data-active={active || undefined}
      data-drop={dropTarget || undefined}
      tabIndex={focusable ? 0 : -1}
      title={entry.path}
      style={indent(depth)}
      draggable={draggable}
      onClick={onClick}
      onContextMenu={onContextMenu}
      onDragStart={onDragStart}
    >
      <span className="explorer-twistie" aria-hidden="true">
        {folder && <Icon name="chevron" className={expanded ? 'explorer-chevron-open' : ''} />}
      </span>
      <Icon
        name={folder ? (expanded ? 'folderOpen' : 'folder') : entry.type === 'symlink' ? 'link' : 'file'}
      />
      <span className="explorer-name">{entry.name}</span>
      <PresenceDots users={viewers} />
      {dirty && (
        <span className="explorer-dirty" title="Unsaved changes">
          ●
        </span>
      )}
    </div>
  );
}
