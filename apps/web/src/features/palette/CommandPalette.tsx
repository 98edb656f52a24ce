import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { formatKeybinding, useCommand, useCommands, type Command } from '../../platform/commands';
import { rankCommands } from './rankCommands';
import './palette.css';

/**
 * The command palette (F1, Ctrl/Cmd+Shift+P) and the one keydown listener that runs keybindings. It listens
 * in the capture phase so that IDE keys work while Monaco or the terminal has focus.
 */
export function CommandPalette() {
  const registry = useCommands();
  const [open, setOpen] = useState(false);
  useCommand({
    id: 'workbench.action.showCommands',
    title: 'Show All Commands',
    keybinding: 'Mod+Shift+P',
    run: () => setOpen(true),
  });

  useEffect(() => {
    const onKeydown = (event: KeyboardEvent) => {
      // F1 is VS Code's second key for the palette; one registry entry keeps the palette's list free of twins.
      if (event.key === 'F1' && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        event.stopPropagation();
        setOpen(true);
        return;
      }
      registry.handleKeydown(event);
    };
    window.addEventListener('keydown', onKeydown, true);
    return () => window.removeEventListener('keydown', onKeydown, true);
  }, [registry]);

  if (!open) return null;
  return <PaletteList onClose={() => setOpen(false)} />;
}

function PaletteList({ onClose }: { onClose: () => void }) {
  const registry = useCommands();
  useSyncExternalStore(
    (listener) => registry.onDidChange(listener),
    () => registry.version,
  );
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(0);
  const restoreFocus = useRef<Element | null>(document.activeElement);
  const items = rankCommands(registry.list(), query);
  const index = Math.min(selected, Math.max(items.length - 1, 0));

  const close = () => {
    onClose();
    if (restoreFocus.current instanceof HTMLElement) restoreFocus.current.focus();
  };
  const run = (command: Command | undefined) => {
    if (!command) return;
    close();
    void registry.execute(command.id);
  };

  return (
    <div className="palette-backdrop" onMouseDown={close}>
      <div
        className="palette"
        role="dialog"
        aria-label="Command palette"
        onMouseDown={(event) => event.stopPropagation()}
      >
        <input
          autoFocus
          className="palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={items[index] ? `palette-item-${index}` : undefined}
          aria-label="Type the name of a command to run"
          placeholder="Type the name of a command to run"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setSelected(0);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') close();
            else if (event.key === 'ArrowDown') setSelected((index + 1) % Math.max(items.length, 1));
            else if (event.key === 'ArrowUp')
              setSelected((index - 1 + items.length) % Math.max(items.length, 1));
            else if (event.key === 'Enter') run(items[index]);
            else return;
            event.preventDefault();
          }}
        />
        <ul id="palette-list" role="listbox" className="palette-list">
          {items.length === 0 && <li className="palette-empty">No matching commands</li>}
          {items.map((command, position) => (
            <li
              key={command.id}
              id={`palette-item-${position}`}
              role="option"
              aria-selected={position === index}
              className="palette-item"
              onMouseMove={() => setSelected(position)}
              onClick={() => run(command)}
            >
              <span>
                {command.category && <span className="palette-category">{command.category}: </span>}
                {command.title}
              </span>
              {command.keybinding && <kbd>{formatKeybinding(command.keybinding)}</kbd>}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
