import type { Project, TreeEntry } from '@vaporform/contracts';
import { useQueryClient } from '@tanstack/react-query';
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import { ApiError } from '../../platform/ApiError';
import { useCommand } from '../../platform/commands';
import { useProjectEvents } from '../../platform/projectEvents';
import { can } from '../../platform/projects';
import { queryKeys } from '../../platform/queryKeys';
import { Button, IconButton } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Spinner } from '../../ui/Spinner';
import { useNotify } from '../../ui/Toasts';
import { useEditors } from '../editor';
import { ContextMenu, type MenuGroups } from './ContextMenu';
import {
  createFile,
  createFolder,
  deleteEntry,
  downloadUrl,
  droppedItems,
  moveEntry,
  uploadFiles,
  useProjectTree,
  type UploadItem,
} from './explorerApi';
import { Icon } from './icons';
import {
  ancestors,
  basename,
  canMove,
  childNames,
  dirname,
  dropTarget,
  isWithin,
  joinPath,
  loadExpanded,
  renameExpanded,
  saveExpanded,
  sortTree,
  treeKeyAction,
  validateName,
  visibleRows,
  type PendingCreate,
  type Row,
} from './treeModel';
import './explorer.css';

const dragType = 'application/x-vaporform-path';

function sessionStore(): Storage | undefined {
  try {
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}

/** The project's files as a VS Code-style tree: open, create, rename, move, delete, upload, download. */
export function ExplorerView({ project }: { project: Project }) {
  return <Explorer key={project.id} project={project} />;
}

function Explorer({ project }: { project: Project }) {
  const projectId = project.id;
  const editors = useEditors();
  const notify = useNotify();
  const client = useQueryClient();
  const canWrite = can(project, 'write');
  const tree = useProjectTree(projectId);
  const entries = useMemo(() => (tree.data ? sortTree(tree.data.root) : []), [tree.data]);

  const [expanded, setExpanded] = useState(() => loadExpanded(projectId, sessionStore()));
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState<PendingCreate | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; entry: TreeEntry | null } | null>(null);
  const [deleting, setDeleting] = useState<TreeEntry | null>(null);
  const [replacing, setReplacing] = useState<{ from: string; to: string } | null>(null);
  const [dropFolder, setDropFolder] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [busy, setBusy] = useState(false);
  const treeRef = useRef<HTMLDivElement>(null);
  // State, not a ref: menus built during render hand out the picker.
  const [uploadInput, setUploadInput] = useState<HTMLInputElement | null>(null);
  const dragging = useRef<string | null>(null);
  const focusNext = useRef<string | null>(null);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => saveExpanded(projectId, expanded, sessionStore()), [projectId, expanded]);

  // Follow the active editor like VS Code's "auto reveal": open its folders and select it.
  const activePath = editors.activePath;
  const [revealed, setRevealed] = useState<string | null>(null);
  if (activePath !== revealed) {
    setRevealed(activePath);
    if (activePath) {
      const missing = ancestors(activePath).filter((folder) => !expanded.has(folder));
      if (missing.length > 0) setExpanded(new Set([...expanded, ...missing]));
      setSelected(activePath);
    }
  }

  const rows = useMemo(() => visibleRows(entries, expanded, creating), [entries, expanded, creating]);
  const entryRows = useMemo(
    () => new Map(rows.flatMap((row) => (row.kind === 'entry' ? [[row.entry.path, row] as const] : []))),
    [rows],
  );
  const selectedRow = selected ? entryRows.get(selected) : undefined;

  const refresh = useCallback(
    () => client.invalidateQueries({ queryKey: queryKeys.tree(projectId) }),
    [client, projectId],
  );

  // Changes arrive in bursts (npm install): refresh 150 ms after the first, and again after a fetch in flight.
  const scheduleRefresh = useCallback(() => {
    if (refreshTimer.current !== undefined) return;
    const fire = () => {
      if (client.isFetching({ queryKey: queryKeys.tree(projectId) }) > 0) {
        refreshTimer.current = setTimeout(fire, 150);
        return;
      }
      refreshTimer.current = undefined;
      void refresh();
    };
    refreshTimer.current = setTimeout(fire, 150);
  }, [client, projectId, refresh]);
  useEffect(() => () => clearTimeout(refreshTimer.current), []);

  useProjectEvents(projectId, {
    event: (event) => {
      if (event.name === 'file.changed') scheduleRefresh();
    },
    subscribed: () => void refresh(),
  });

  // Keyboard focus follows the selection when the tree had it (never stolen from the editor).
  useEffect(() => {
    const path = focusNext.current;
    if (path === null) return;
    focusNext.current = null;
    treeRef.current?.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`)?.focus();
  });

  const select = (path: string, focus = true) => {
    setSelected(path);
    if (focus) focusNext.current = path;
  };

  const toggle = (path: string, open?: boolean) => {
    const next = new Set(expanded);
    if (open ?? !next.has(path)) next.add(path);
    else next.delete(path);
    setExpanded(next);
  };

  /** The folder new things go into: the selected folder, or the selected file's folder. */
  const targetFolder = (entry: TreeEntry | null | undefined = selectedRow?.entry): string =>
    entry ? (entry.type === 'directory' ? entry.path : dirname(entry.path)) : '';

  const startCreate = (type: 'file' | 'directory', entry?: TreeEntry | null) => {
    if (!canWrite) return;
    const parent = targetFolder(entry === undefined ? selectedRow?.entry : entry);
    if (parent) setExpanded(new Set([...expanded, parent, ...ancestors(parent)]));
    setRenaming(null);
    setCreating({ parent, type });
  };

  const submitCreate = async (name: string): Promise<string | null> => {
    if (!creating) return null;
    const error = validateName(name, childNames(entries, creating.parent));
    if (error) return error;
    const path = joinPath(creating.parent, name.trim().replace(/\/+$/, ''));
    try {
      setBusy(true);
      if (creating.type === 'file' && !name.trim().endsWith('/')) await createFile(projectId, path);
      else await createFolder(projectId, path);
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'conflict') {
        return `A file or folder ${basename(path)} already exists at this location.`;
      }
      notify.error(failure);
      return null;
    } finally {
      setBusy(false);
    }
    setCreating(null);
    setExpanded(new Set([...expanded, ...ancestors(path)]));
    await refresh();
    select(path);
    if (creating.type === 'file') editors.openFile(path);
    return null;
  };

  const submitRename = async (path: string, name: string): Promise<string | null> => {
    const trimmed = name.trim();
    if (trimmed === basename(path)) {
      setRenaming(null);
      return null;
    }
    const error = validateName(trimmed, childNames(entries, dirname(path)), basename(path));
    if (error) return error;
    const to = joinPath(dirname(path), trimmed);
    try {
      setBusy(true);
      await moveEntry(projectId, path, to);
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'conflict') {
        return `A file or folder ${trimmed} already exists at this location.`;
      }
      notify.error(failure);
      return null;
    } finally {
      setBusy(false);
    }
    setRenaming(null);
    editors.renamed(path, to);
    setExpanded(new Set([...renameExpanded(expanded, path, to), ...ancestors(to)]));
    select(to);
    await refresh();
    return null;
  };

  const move = async (from: string, to: string, overwrite = false) => {
    try {
      await moveEntry(projectId, from, to, overwrite);
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'conflict' && !overwrite) {
        setReplacing({ from, to });
        return;
      }
      notify.error(failure);
      return;
    }
    if (overwrite) editors.deleted(to);
    editors.renamed(from, to);
    setExpanded(new Set([...renameExpanded(expanded, from, to), ...ancestors(to)]));
    select(to, false);
    await refresh();
  };

  const remove = async (entry: TreeEntry) => {
    setDeleting(null);
    try {
      await deleteEntry(projectId, entry.path);
    } catch (failure) {
      notify.error(failure);
      return;
    }
    editors.deleted(entry.path);
    const rowsNow = rows.filter((row): row is Extract<Row, { kind: 'entry' }> => row.kind === 'entry');
    const index = rowsNow.findIndex((row) => row.entry.path === entry.path);
    const neighbour =
      rowsNow.slice(index + 1).find((row) => !isWithin(row.entry.path, entry.path)) ?? rowsNow[index - 1];
    if (neighbour) select(neighbour.entry.path);
    await refresh();
  };

  const upload = async (target: string, items: UploadItem[], folders: string[] = []) => {
    if (!canWrite || (items.length === 0 && folders.length === 0)) return;
    setUploading(true);
    try {
      const count = await uploadFiles(projectId, target, items, folders);
      if (target) setExpanded(new Set([...expanded, target, ...ancestors(target)]));
      notify.info(`Uploaded ${count} file${count === 1 ? '' : 's'}${target ? ` to ${target}` : ''}.`);
    } catch (failure) {
      notify.error(failure);
    } finally {
      setUploading(false);
      await refresh();
    }
  };

  const download = () => {
    const link = document.createElement('a');
    link.href = downloadUrl(projectId);
    link.download = `${project.slug}.zip`;
    document.body.append(link);
    link.click();
    link.remove();
  };

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      notify.error(new Error('The browser did not allow copying to the clipboard.'));
    }
  };

  const collapseAll = () => setExpanded(new Set());

  useCommand({
    id: 'explorer.newFile',
    title: 'New File…',
    category: 'File',
    run: () => startCreate('file'),
    enabled: () => canWrite,
  });
  useCommand({
    id: 'explorer.newFolder',
    title: 'New Folder…',
    category: 'File',
    run: () => startCreate('directory'),
    enabled: () => canWrite,
  });
  useCommand({
    id: 'workbench.files.action.refreshFilesExplorer',
    title: 'Refresh Explorer',
    category: 'File',
    run: () => void refresh(),
  });
  useCommand({
    id: 'workbench.files.action.collapseExplorerFolders',
    title: 'Collapse Folders in Explorer',
    category: 'View',
    run: collapseAll,
  });
  useCommand({
    id: 'workbench.action.files.downloadProject',
    title: 'Download Project as Zip',
    category: 'File',
    run: download,
  });

  const menuGroups = (entry: TreeEntry | null): MenuGroups => {
    const groups: MenuGroups = [];
    if (entry?.type !== 'directory' && entry)
      groups.push([{ label: 'Open', run: () => editors.openFile(entry.path) }]);
    if (canWrite) {
      groups.push([
        { label: 'New File…', run: () => startCreate('file', entry) },
        { label: 'New Folder…', run: () => startCreate('directory', entry) },
        { label: 'Upload Files…', run: () => uploadInput?.click() },
      ]);
    }
    groups.push([{ label: 'Download Project as Zip', run: download }]);
    if (entry) {
      groups.push([
        { label: 'Copy Path', run: () => void copy(`/workspace/${entry.path}`) },
        { label: 'Copy Relative Path', run: () => void copy(entry.path) },
      ]);
      if (canWrite) {
        groups.push([
          { label: 'Rename…', hint: 'F2', run: () => setRenaming(entry.path) },
          { label: 'Delete', hint: 'Delete', run: () => setDeleting(entry) },
        ]);
      }
    } else {
      groups.push([
        { label: 'Refresh', run: () => void refresh() },
        { label: 'Collapse All', run: collapseAll },
      ]);
    }
    return groups;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.target as HTMLElement).tagName === 'INPUT') return;
    if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      const element = selected
        ? treeRef.current?.querySelector(`[data-path="${CSS.escape(selected)}"]`)
        : null;
      const box = (element ?? treeRef.current)?.getBoundingClientRect();
      if (box) setMenu({ x: box.left + 24, y: box.bottom, entry: selectedRow?.entry ?? null });
      event.preventDefault();
      return;
    }
    const action = treeKeyAction(rows, selected, event.key);
    if (!action) return;
    event.preventDefault();
    switch (action.kind) {
      case 'focus':
        select(action.path);
        break;
      case 'expand':
        toggle(action.path, true);
        break;
      case 'collapse':
        toggle(action.path, false);
        break;
      case 'open':
        editors.openFile(action.path);
        break;
      case 'rename':
        if (canWrite) setRenaming(action.path);
        break;
      case 'delete': {
        const entry = entryRows.get(action.path)?.entry;
        if (canWrite && entry) setDeleting(entry);
        break;
      }
    }
  };

  // ── drag and drop ──────────────────────────────────────────────────────────────────────────────────
  const rowAt = (event: DragEvent) => {
    const element = (event.target as HTMLElement).closest<HTMLElement>('[data-path]');
    const path = element?.dataset.path;
    return path ? (entryRows.get(path) ?? null) : null;
  };
  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    if (!canWrite) return;
    const target = dropTarget(rowAt(event));
    const external = event.dataTransfer.types.includes('Files');
    const from = dragging.current;
    if (!external && (from === null || !canMove(from, target))) {
      setDropFolder(null);
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = external ? 'copy' : 'move';
    setDropFolder(target);
  };
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    setDropFolder(null);
    if (!canWrite) return;
    const target = dropTarget(rowAt(event));
    const from = dragging.current;
    dragging.current = null;
    event.preventDefault();
    if (event.dataTransfer.types.includes('Files')) {
      void droppedItems(event.dataTransfer).then(({ items, folders }) => upload(target, items, folders));
    } else if (from !== null && canMove(from, target)) {
      void move(from, joinPath(target, basename(from)));
    }
  };

  const openMenu = (event: MouseEvent, entry: TreeEntry | null) => {
    event.preventDefault();
    event.stopPropagation();
    if (entry) setSelected(entry.path);
    setMenu({ x: event.clientX, y: event.clientY, entry });
  };

  const focusable =
    selected && entryRows.has(selected)
      ? selected
      : (rows.find((row) => row.kind === 'entry')?.entry.path ?? null);

  return (
    <div className="explorer" aria-busy={busy || uploading || undefined}>
      <div className="explorer-header">
        <h2 className="explorer-title" title={project.name}>
          {project.name}
        </h2>
        <div className="explorer-toolbar" role="toolbar" aria-label="Explorer actions">
          {canWrite && (
            <>
              <IconButton label="New File" onClick={() => startCreate('file')}>
                <Icon name="newFile" />
              </IconButton>
              <IconButton label="New Folder" onClick={() => startCreate('directory')}>
                <Icon name="newFolder" />
              </IconButton>
              <IconButton label="Upload Files" onClick={() => uploadInput?.click()} disabled={uploading}>
                <Icon name="upload" />
              </IconButton>
            </>
          )}
          <IconButton label="Refresh Explorer" onClick={() => void refresh()}>
            <Icon name="refresh" />
          </IconButton>
          <IconButton label="Collapse All" onClick={collapseAll}>
            <Icon name="collapse" />
          </IconButton>
          <IconButton label="Download Project as Zip" onClick={download}>
            <Icon name="download" />
          </IconButton>
        </div>
        <input
          ref={setUploadInput}
          type="file"
          multiple
          hidden
          aria-label="Files to upload"
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            event.target.value = '';
            void upload(
              targetFolder(),
              files.map((file) => ({ folder: '', file })),
            );
          }}
        />
      </div>
      {uploading && (
        <div className="explorer-progress" role="status">
          <Spinner label="Uploading" /> Uploading…
        </div>
      )}
      <div
        ref={treeRef}
        className="explorer-tree"
        role="tree"
        aria-label="Files"
        data-drop-root={dropFolder === '' || undefined}
        tabIndex={rows.length === 0 ? 0 : -1}
        onKeyDown={onKeyDown}
        onContextMenu={(event) => openMenu(event, null)}
        onDragOver={onDragOver}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropFolder(null);
        }}
        onDrop={onDrop}
        onDragEnd={() => {
          dragging.current = null;
          setDropFolder(null);
        }}
      >
        {tree.isPending && (
          <div className="explorer-note">
            <Spinner label="Loading files" />
          </div>
        )}
        {tree.isError && (
          <div className="explorer-note">
            <ErrorNotice error={tree.error} />
            <Button variant="secondary" onClick={() => void refresh()}>
              Try Again
            </Button>
          </div>
        )}
        {tree.isSuccess && entries.length === 0 && !creating && (
          <div className="explorer-note">
            <p>This project has no files yet.</p>
            {canWrite && (
              <Button variant="secondary" onClick={() => startCreate('file')}>
                New File
              </Button>
            )}
          </div>
        )}
        {rows.map((row) =>
          row.kind === 'create' ? (
            <InlineName
              key={`create:${row.parent}`}
              depth={row.depth}
              type={row.type}
              initial=""
              label={row.type === 'file' ? 'New file name' : 'New folder name'}
              onSubmit={submitCreate}
              onCancel={() => {
                setCreating(null);
                if (selected) select(selected);
              }}
            />
          ) : renaming === row.entry.path ? (
            <InlineName
              key={`rename:${row.entry.path}`}
              depth={row.depth}
              type={row.entry.type === 'directory' ? 'directory' : 'file'}
              initial={row.entry.name}
              label={`Rename ${row.entry.name}`}
              onSubmit={(name) => submitRename(row.entry.path, name)}
              onCancel={() => {
                setRenaming(null);
                select(row.entry.path);
              }}
            />
          ) : (
            <TreeRow
              key={row.entry.path}
              row={row}
              selected={row.entry.path === selected}
              focusable={row.entry.path === focusable}
              active={row.entry.path === activePath}
              dirty={editors.dirtyPaths.has(row.entry.path)}
              dropTarget={dropFolder !== null && dropFolder !== '' && isWithin(row.entry.path, dropFolder)}
              draggable={canWrite}
              onClick={(event) => {
                // A double click hands focus to the editor; the tree must not take it back.
                select(row.entry.path, event.detail < 2);
                if (row.entry.type === 'directory') toggle(row.entry.path);
                else editors.openFile(row.entry.path, { preserveFocus: event.detail < 2 });
              }}
              onContextMenu={(event) => openMenu(event, row.entry)}
              onDragStart={(event) => {
                dragging.current = row.entry.path;
                event.dataTransfer.setData(dragType, row.entry.path);
                event.dataTransfer.setData('text/plain', row.entry.path);
                event.dataTransfer.effectAllowed = 'move';
              }}
            />
          ),
        )}
        {tree.data?.truncated && (
          <div className="explorer-note" role="note">
            The project has too many files to list them all; some are not shown.
          </div>
        )}
      </div>
      {menu && (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          label={menu.entry ? `Actions for ${menu.entry.name}` : 'Explorer actions'}
          groups={menuGroups(menu.entry)}
          onClose={() => setMenu(null)}
        />
      )}
      <Dialog open={deleting !== null} title="Delete" onClose={() => setDeleting(null)}>
        {deleting && (
          <>
            <p>
              Are you sure you want to delete {deleting.type === 'directory' ? 'the folder' : ''}{' '}
              <strong>{deleting.name}</strong>
              {deleting.type === 'directory' ? ' and its contents' : ''}?
            </p>
            <p className="explorer-dialog-hint">You can get it back by restoring a checkpoint that has it.</p>
            <div className="dialog-actions">
              <Button variant="danger" autoFocus onClick={() => void remove(deleting)}>
                Delete
              </Button>
              <Button variant="secondary" onClick={() => setDeleting(null)}>
                Cancel
              </Button>
            </div>
          </>
        )}
      </Dialog>
      <Dialog open={replacing !== null} title="Replace?" onClose={() => setReplacing(null)}>
        {replacing && (
          <>
            <p>
              A file or folder named <strong>{basename(replacing.to)}</strong> already exists in{' '}
              {dirname(replacing.to) || 'the project root'}. Do you want to replace it?
            </p>
            <div className="dialog-actions">
              <Button
                variant="danger"
                onClick={() => {
                  const { from, to } = replacing;
                  setReplacing(null);
                  void move(from, to, true);
                }}
              >
                Replace
              </Button>
              <Button variant="secondary" onClick={() => setReplacing(null)}>
                Cancel
              </Button>
            </div>
          </>
        )}
      </Dialog>
    </div>
  );
}

const indent = (depth: number) => ({ paddingLeft: `${8 + depth * 12}px` });

function TreeRow({
  row,
  selected,
  focusable,
  active,
  dirty,
  dropTarget: isDropTarget,
  draggable,
  onClick,
  onContextMenu,
  onDragStart,
}: {
  row: Extract<Row, { kind: 'entry' }>;
  selected: boolean;
  focusable: boolean;
  active: boolean;
  dirty: boolean;
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
      data-drop={isDropTarget || undefined}
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
      {dirty && (
        <span className="explorer-dirty" title="Unsaved changes">
          ●
        </span>
      )}
    </div>
  );
}

/** VS Code's inline name box: Enter or leaving it commits, Escape cancels; the problem shows under it. */
function InlineName({
  depth,
  type,
  initial,
  label,
  onSubmit,
  onCancel,
}: {
  depth: number;
  type: 'file' | 'directory';
  initial: string;
  label: string;
  /** Resolves a message to show (and keep the box open), or null when done. */
  onSubmit: (name: string) => Promise<string | null>;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const submitting = useRef(false);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    input.focus();
    // Select the name without its extension, as VS Code does for a rename.
    const dot = initial.lastIndexOf('.');
    input.setSelectionRange(0, type === 'file' && dot > 0 ? dot : initial.length);
  }, [initial, type]);

  const commit = async () => {
    if (submitting.current) return;
    if (value.trim() === '' || (initial !== '' && value === initial)) {
      onCancel();
      return;
    }
    submitting.current = true;
    const message = await onSubmit(value);
    submitting.current = false;
    setProblem(message);
    if (message) inputRef.current?.focus();
  };

  return (
    <div className="explorer-row explorer-row-input" style={indent(depth)} role="none">
      <span className="explorer-twistie" aria-hidden="true" />
      <Icon name={type === 'directory' ? 'folder' : 'file'} />
      <span className="explorer-input-wrap">
        <input
          ref={inputRef}
          className="explorer-input"
          aria-label={label}
          aria-invalid={problem ? true : undefined}
          value={value}
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => {
            setValue(event.target.value);
            setProblem(null);
          }}
          onKeyDown={(event) => {
            event.stopPropagation();
            if (event.key === 'Enter') {
              event.preventDefault();
              void commit();
            } else if (event.key === 'Escape') {
              event.preventDefault();
              onCancel();
            }
          }}
          onBlur={() => {
            if (!problem) void commit();
            else onCancel();
          }}
        />
        {problem && (
          <span className="explorer-input-problem" role="alert">
            {problem}
          </span>
        )}
      </span>
    </div>
  );
}
