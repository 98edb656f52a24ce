import type { Thread } from '@vaporform/contracts';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { IconButton } from '../../ui/Button';
import { Icon } from '../../ui/Icon';

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });

/** The recent conversations of the project, as a menu under a history button. */
export function ThreadPicker({
  threads,
  currentId,
  onSelect,
}: {
  threads: readonly Thread[];
  currentId: string | null;
  onSelect: (threadId: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return undefined;
    const items = menu.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]');
    const checked = menu.current?.querySelector<HTMLElement>('[aria-checked="true"]');
    (checked ?? items?.[0])?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    root.current?.querySelector<HTMLElement>('.icon-button')?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
    const index = items.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => items[(to + items.length) % items.length]?.focus();
    if (event.key === 'Escape') close();
    else if (event.key === 'ArrowDown') move(index + 1);
    else if (event.key === 'ArrowUp') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(items.length - 1);
    else if (event.key === 'Tab') setOpen(false);
    else return;
    if (event.key !== 'Tab') event.preventDefault();
  };

  return (
    <div className="chat-thread-picker" ref={root}>
      <IconButton
        label="Recent chats"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        <Icon name="history" />
      </IconButton>
      {open && (
        <div
          className="chat-thread-menu"
          role="menu"
          aria-label="Recent chats"
          ref={menu}
          onKeyDown={onKeyDown}
        >
          {threads.length === 0 && <div className="chat-thread-empty">No conversations yet</div>}
          {threads.map((thread) => (
            <button
              key={thread.id}
              type="button"
              role="menuitemradio"
              aria-checked={thread.id === currentId}
              tabIndex={-1}
              className="chat-thread-item"
              onClick={() => {
                onSelect(thread.id);
                close();
              }}
            >
              <span className="chat-thread-title">{thread.title || 'Untitled'}</span>
              <span className="chat-muted">{when(thread.updatedAt)}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
