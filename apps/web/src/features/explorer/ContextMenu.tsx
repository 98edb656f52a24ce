import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';

export interface MenuItem {
  label: string;
  /** Shown at the right, e.g. `F2`. */
  hint?: string;
  disabled?: boolean;
  run(): void;
}

/** A list of groups: separators go between them. */
export type MenuGroups = MenuItem[][];

/** A VS Code-like context menu at a point; closes on Escape, a click elsewhere, scroll or resize. */
export function ContextMenu({
  x,
  y,
  groups,
  label,
  onClose,
}: {
  x: number;
  y: number;
  groups: MenuGroups;
  label: string;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: x, top: y });
  const items = groups.flat().filter((item) => !item.disabled);

  // Keep the menu inside the window.
  useLayoutEffect(() => {
    const menu = ref.current;
    if (!menu) return;
    const { width, height } = menu.getBoundingClientRect();
    setPosition({
      left: Math.max(0, Math.min(x, window.innerWidth - width - 4)),
      top: Math.max(0, Math.min(y, window.innerHeight - height - 4)),
    });
    menu.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
  }, [x, y]);

  useEffect(() => {
    const close = (event: Event) => {
      if (event.type === 'mousedown' && ref.current?.contains(event.target as Node)) return;
      onClose();
    };
    window.addEventListener('mousedown', close, true);
    window.addEventListener('resize', close);
    window.addEventListener('blur', close);
    return () => {
      window.removeEventListener('mousedown', close, true);
      window.removeEventListener('resize', close);
      window.removeEventListener('blur', close);
    };
  }, [onClose]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const elements = [
      ...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ?? []),
    ];
    const index = elements.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'ArrowDown') elements[(index + 1) % elements.length]?.focus();
    else if (event.key === 'ArrowUp') elements[(index - 1 + elements.length) % elements.length]?.focus();
    else if (event.key === 'Home') elements[0]?.focus();
    else if (event.key === 'End') elements.at(-1)?.focus();
    else if (event.key === 'Escape' || event.key === 'Tab') onClose();
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      aria-label={label}
      style={position}
      onKeyDown={onKeyDown}
      onContextMenu={(event) => event.preventDefault()}
    >
      {groups.map((group, groupIndex) => (
        <div key={groupIndex} role="group" className="context-menu-group">
          {group.map((item) => (
            <div
              key={item.label}
              role="menuitem"
              tabIndex={-1}
              aria-disabled={item.disabled || undefined}
              className="context-menu-item"
              onClick={() => {
                if (item.disabled) return;
                onClose();
                item.run();
              }}
              onKeyDown={(event) => {
                if ((event.key === 'Enter' || event.key === ' ') && !item.disabled) {
                  event.preventDefault();
                  onClose();
                  item.run();
                }
              }}
            >
              <span>{item.label}</span>
              {item.hint && <span className="context-menu-hint">{item.hint}</span>}
            </div>
          ))}
        </div>
      ))}
      {items.length === 0 && (
        <div className="context-menu-item" aria-disabled="true">
          No actions
        </div>
      )}
    </div>
  );
}
