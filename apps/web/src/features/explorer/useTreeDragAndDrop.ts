import { useRef, useState, type DragEvent } from 'react';
import { droppedItems, type UploadItem } from './explorerApi';
import { basename, canMove, dropTarget, isWithin, joinPath } from './treeModel';
import type { EntryRow } from './useTreeState';

const dragType = 'application/x-vaporform-path';

/**
 * Moving entries by dragging them onto a folder (or beside a file), and uploading files dropped from the
 * operating system; `dropFolder` is the folder a drop would go into ('' for the root).
 */
export function useTreeDragAndDrop({
  canWrite,
  entryRows,
  upload,
  move,
}: {
  canWrite: boolean;
  entryRows: ReadonlyMap<string, EntryRow>;
  upload: (target: string, items: UploadItem[], folders: string[]) => Promise<void>;
  move: (from: string, to: string) => Promise<void>;
}) {
  const [dropFolder, setDropFolder] = useState<string | null>(null);
  const dragging = useRef<string | null>(null);

  const targetOf = (event: DragEvent) => {
    const element = (event.target as HTMLElement).closest<HTMLElement>('[data-path]');
    const path = element?.dataset.path;
    return dropTarget(path ? (entryRows.get(path) ?? null) : null);
  };

  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    if (!canWrite) return;
    const target = targetOf(event);
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
    const target = targetOf(event);
    const from = dragging.current;
    dragging.current = null;
    event.preventDefault();
    if (event.dataTransfer.types.includes('Files')) {
      void droppedItems(event.dataTransfer).then(({ items, folders }) => upload(target, items, folders));
    } else if (from !== null && canMove(from, target)) {
      void move(from, joinPath(target, basename(from)));
    }
  };

  return {
    dropFolder,
    /** Highlights the rows inside the folder a drop would go into (the root is highlighted as a whole). */
    isDropTarget: (path: string) => dropFolder !== null && dropFolder !== '' && isWithin(path, dropFolder),
    /** For the tree element. */
    treeHandlers: {
      onDragOver,
      onDragLeave: (event: DragEvent<HTMLDivElement>) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropFolder(null);
      },
      onDrop,
      onDragEnd: () => {
        dragging.current = null;
        setDropFolder(null);
      },
    },
    startDrag(path: string, event: DragEvent) {
      dragging.current = path;
      event.dataTransfer.setData(dragType, path);
      event.dataTransfer.setData('text/plain', path);
      event.dataTransfer.effectAllowed = 'move';
    },
  };
}
