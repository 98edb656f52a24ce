import type { Project, TreeEntry } from '@vaporform/contracts';
import { useMemo, useRef, useState, type MouseEvent } from 'react';
import { can } from '../../platform/projects';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Spinner } from '../../ui/Spinner';
import { usePresence } from '../collab';
import { useEditors } from '../editor';
import { ContextMenu } from './ContextMenu';
import { useProjectTree } from './explorerApi';
import { ExplorerToolbar } from './ExplorerToolbar';
import { InlineName } from './InlineName';
import { basename, dirname, sortTree } from './treeModel';
import { TreeRow } from './TreeRow';
import { useExplorerCommands } from './useExplorerCommands';
import { useTreeActions } from './useTreeActions';
import { useTreeDragAndDrop } from './useTreeDragAndDrop';
import { useTreeKeyboard, type MenuRequest } from './useTreeKeyboard';
import { useTreeRefresh } from './useTreeRefresh';
import { useTreeState } from './useTreeState';
import { useUploads } from './useUploads';
import './explorer.css';

/** The project's files as a VS Code-style tree: open, create, rename, move, delete, upload, download. */
export function ExplorerView({ project }: { project: Project }) {
  return <Explorer key={project.id} project={project} />;
}

function Explorer({ project }: { project: Project }) {
  const editors = useEditors();
  const presence = usePresence();
  const openFile = (path: string) => editors.openFile(path);
  const canWrite = can(project, 'write');
  const projectTree = useProjectTree(project.id);
  const entries = useMemo(
    () => (projectTree.data ? sortTree(projectTree.data.root) : []),
    [projectTree.data],
  );
  const treeRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<MenuRequest | null>(null);

  const tree = useTreeState(project.id, entries, editors.activePath, treeRef);
  const refresh = useTreeRefresh(project.id);
  const actions = useTreeActions({ project, entries, tree, refresh });
  const { uploading, upload, setUploadInput, pickFiles } = useUploads({
    projectId: project.id,
    canWrite,
    tree,
    refresh,
  });
  const dnd = useTreeDragAndDrop({
    canWrite,
    entryRows: tree.entryRows,
    upload: upload,
    move: actions.move,
  });
  const menuGroups = useExplorerCommands({
    canWrite,
    tree,
    actions,
    refresh,
    pickFiles: pickFiles,
    openFile,
  });
  const onKeyDown = useTreeKeyboard({
    tree,
    actions,
    canWrite,
    treeRef,
    openFile,
    openMenu: setMenu,
  });

  const openMenu = (event: MouseEvent, entry: TreeEntry | null) => {
    event.preventDefault();
    event.stopPropagation();
    if (entry) tree.setSelected(entry.path);
    setMenu({ x: event.clientX, y: event.clientY, entry });
  };

  return (
    <div className="side-view explorer" aria-busy={actions.busy || uploading || undefined}>
      <div className="explorer-header">
        <h2 className="explorer-title" title={project.name}>
          {project.name}
        </h2>
        <ExplorerToolbar
          canWrite={canWrite}
          uploading={uploading}
          onNewFile={() => actions.startCreate('file')}
          onNewFolder={() => actions.startCreate('directory')}
          onUpload={pickFiles}
          onRefresh={() => void refresh()}
          onCollapseAll={tree.collapseAll}
          onDownload={actions.download}
        />
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
              actions.targetFolder(),
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
        data-drop-root={dnd.dropFolder === '' || undefined}
        tabIndex={tree.rows.length === 0 ? 0 : -1}
        onKeyDown={onKeyDown}
        onContextMenu={(event) => openMenu(event, null)}
        {...dnd.treeHandlers}
      >
        {projectTree.isPending && (
          <div className="explorer-note">
            <Spinner label="Loading files" />
          </div>
        )}
        {projectTree.isError && (
          <div className="explorer-note">
            <ErrorNotice error={projectTree.error} />
            <Button variant="secondary" onClick={() => void refresh()}>
              Try Again
            </Button>
          </div>
        )}
        {projectTree.isSuccess && entries.length === 0 && !tree.creating && (
          <div className="explorer-note">
            <p>This project has no files yet.</p>
            {canWrite && (
              <Button variant="secondary" onClick={() => actions.startCreate('file')}>
                New File
              </Button>
            )}
          </div>
        )}
        {tree.rows.map((row) =>
          row.kind === 'create' ? (
            <InlineName
              key={`create:${row.parent}`}
              depth={row.depth}
              type={row.type}
              initial=""
              label={row.type === 'file' ? 'New file name' : 'New folder name'}
              onSubmit={actions.submitCreate}
              onCancel={() => {
                tree.setCreating(null);
                if (tree.selected) tree.select(tree.selected);
              }}
            />
          ) : tree.renaming === row.entry.path ? (
            <InlineName
              key={`rename:${row.entry.path}`}
              depth={row.depth}
              type={row.entry.type === 'directory' ? 'directory' : 'file'}
              initial={row.entry.name}
              label={`Rename ${row.entry.name}`}
              onSubmit={(name) => actions.submitRename(row.entry.path, name)}
              onCancel={() => {
                tree.setRenaming(null);
                tree.select(row.entry.path);
              }}
            />
          ) : (
            <TreeRow
              key={row.entry.path}
              row={row}
              selected={row.entry.path === tree.selected}
              focusable={row.entry.path === tree.focusable}
              active={row.entry.path === editors.activePath}
              dirty={editors.dirtyPaths.has(row.entry.path)}
              viewers={presence.byFile.get(row.entry.path)}
              dropTarget={dnd.isDropTarget(row.entry.path)}
              draggable={canWrite}
              onClick={(event) => {
                // A double click hands focus to the editor; the tree must not take it back.
                tree.select(row.entry.path, event.detail < 2);
                if (row.entry.type === 'directory') tree.toggle(row.entry.path);
                else editors.openFile(row.entry.path, { preserveFocus: event.detail < 2 });
              }}
              onContextMenu={(event) => openMenu(event, row.entry)}
              onDragStart={(event) => dnd.startDrag(row.entry.path, event)}
            />
          ),
        )}
        {projectTree.data?.truncated && (
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
      <ConfirmDialog
        subject={actions.deleting}
        title="Delete"
        confirm="Delete"
        autoFocus
        onConfirm={(entry) => void actions.remove(entry)}
        onCancel={() => actions.setDeleting(null)}
      >
        {(entry) => (
          <>
            <p>
              Are you sure you want to delete {entry.type === 'directory' ? 'the folder' : ''}{' '}
              <strong>{entry.name}</strong>
              {entry.type === 'directory' ? ' and its contents' : ''}?
            </p>
            <p className="explorer-dialog-hint">You can get it back by restoring a checkpoint that has it.</p>
          </>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        subject={actions.replacing}
        title="Replace?"
        confirm="Replace"
        onConfirm={({ from, to }) => {
          actions.setReplacing(null);
          void actions.move(from, to, true);
        }}
        onCancel={() => actions.setReplacing(null)}
      >
        {({ to }) => (
          <p>
            A file or folder named <strong>{basename(to)}</strong> already exists in{' '}
            {dirname(to) || 'the project root'}. Do you want to replace it?
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
