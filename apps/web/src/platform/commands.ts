import { createContext, useContext, useEffect, useLayoutEffect, useRef } from 'react';

export interface Command {
  /** Namespaced like VS Code's: `workbench.action.files.save`, `explorer.newFile`. */
  id: string;
  title: string;
  category?: string;
  /** VS Code notation: `Mod+S` (Ctrl, or Cmd on a Mac), `Mod+Shift+P`, `F1`, `Alt+Z`. */
  keybinding?: string;
  run(): void | Promise<void>;
  /** Hidden from the palette and its key ignored while this returns false. */
  enabled?(): boolean;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** `Mod+Shift+P` → `Ctrl+Shift+P` or `⌘⇧P`, as the palette shows it. */
export function formatKeybinding(keybinding: string): string {
  if (!isMac) return keybinding.replace('Mod', 'Ctrl');
  return keybinding.replace('Mod+', '⌘').replace('Shift+', '⇧').replace('Alt+', '⌥').replace('Ctrl+', '⌃');
}

const punctuationCodes: Record<string, string> = {
  '`': 'Backquote',
  '\\': 'Backslash',
  '/': 'Slash',
  ',': 'Comma',
  '.': 'Period',
  ';': 'Semicolon',
  "'": 'Quote',
  '[': 'BracketLeft',
  ']': 'BracketRight',
  '-': 'Minus',
  '=': 'Equal',
};

/** The physical key a keybinding names, as `KeyboardEvent.code` spells it (`P` → `KeyP`, `` ` `` → `Backquote`). */
function codeOf(key: string): string {
  if (/^[a-z]$/i.test(key)) return `Key${key.toUpperCase()}`;
  if (/^[0-9]$/.test(key)) return `Digit${key}`;
  return punctuationCodes[key] ?? key;
}

/**
 * True when the key event is the keybinding, e.g. `Mod+Shift+P`. Keys are matched by their physical position
 * (`event.code`), as VS Code does, because Shift changes `event.key` (`` ` `` becomes `~`).
 */
export function matchesKeybinding(event: KeyboardEvent, keybinding: string): boolean {
  const parts = keybinding.split('+');
  // `Mod++` would split into an empty last part; no binding of ours uses the plus key.
  const key = parts.pop() ?? '';
  const wants = new Set(parts);
  const mod = isMac ? event.metaKey : event.ctrlKey;
  if (wants.has('Mod') !== mod) return false;
  if (wants.has('Shift') !== event.shiftKey) return false;
  if (wants.has('Alt') !== event.altKey) return false;
  if (isMac && wants.has('Ctrl') !== event.ctrlKey) return false;
  return event.code === codeOf(key) || (key.length > 1 && event.key === key);
}

/**
 * The IDE's commands: what the palette lists and what keybindings run. Components register commands while
 * they are mounted, so the palette only ever offers what can run now.
 */
export class CommandRegistry {
  private readonly commands = new Map<string, Command>();
  private readonly changeListeners = new Set<() => void>();
  /** Bumped on every change, for `useSyncExternalStore`. */
  version = 0;

  register(command: Command): () => void {
    this.commands.set(command.id, command);
    this.changed();
    return () => {
      if (this.commands.get(command.id) === command) {
        this.commands.delete(command.id);
        this.changed();
      }
    };
  }

  list(): Command[] {
    return [...this.commands.values()]
      .filter((command) => command.enabled?.() ?? true)
      .sort((a, b) => `${a.category ?? ''}${a.title}`.localeCompare(`${b.category ?? ''}${b.title}`));
  }

  async execute(id: string): Promise<boolean> {
    const command = this.commands.get(id);
    if (!command || !(command.enabled?.() ?? true)) return false;
    await command.run();
    return true;
  }

  /** Runs the command bound to the key, if any; returns whether one ran. */
  handleKeydown(event: KeyboardEvent): boolean {
    for (const command of this.commands.values()) {
      if (!command.keybinding || !matchesKeybinding(event, command.keybinding)) continue;
      if (!(command.enabled?.() ?? true)) continue;
      event.preventDefault();
      event.stopPropagation();
      void command.run();
      return true;
    }
    return false;
  }

  onDidChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(): void {
    this.version += 1;
    for (const listener of this.changeListeners) listener();
  }
}

export const CommandsContext = createContext<CommandRegistry | null>(null);

export function useCommands(): CommandRegistry {
  const registry = useContext(CommandsContext);
  if (!registry) throw new Error('useCommands outside CommandsContext');
  return registry;
}

/** Registers a command while the component is mounted; `run` and `enabled` always see the latest props. */
export function useCommand(command: Command): void {
  const registry = useCommands();
  // A ref, not useEffectEvent: the palette calls `enabled` while it renders, which effect events forbid.
  const latest = useRef(command);
  useLayoutEffect(() => {
    latest.current = command;
  });
  const { id, title, category, keybinding } = command;
  useEffect(
    () =>
      registry.register({
        id,
        title,
        category,
        keybinding,
        run: () => latest.current.run(),
        enabled: () => latest.current.enabled?.() ?? true,
      }),
    [registry, id, title, category, keybinding],
  );
}
