// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { CommandRegistry, matchesKeybinding } from './commands';

function key(
  code: string,
  keyValue: string,
  modifiers: Partial<Record<'ctrl' | 'shift' | 'alt' | 'meta', boolean>> = {},
) {
  return new KeyboardEvent('keydown', {
    code,
    key: keyValue,
    ctrlKey: modifiers.ctrl ?? false,
    shiftKey: modifiers.shift ?? false,
    altKey: modifiers.alt ?? false,
    metaKey: modifiers.meta ?? false,
    cancelable: true,
  });
}

describe('keybindings', () => {
  it('match by physical key, so Shift does not change which binding a key is', () => {
    expect(matchesKeybinding(key('KeyP', 'P', { ctrl: true, shift: true }), 'Mod+Shift+P')).toBe(true);
    expect(matchesKeybinding(key('Backquote', '~', { ctrl: true, shift: true }), 'Mod+Shift+`')).toBe(true);
    expect(matchesKeybinding(key('Backquote', '`', { ctrl: true }), 'Mod+`')).toBe(true);
    expect(matchesKeybinding(key('F1', 'F1'), 'F1')).toBe(true);
  });

  it('need exactly the modifiers they name', () => {
    expect(matchesKeybinding(key('KeyP', 'p', { ctrl: true }), 'Mod+Shift+P')).toBe(false);
    expect(matchesKeybinding(key('KeyS', 's', { ctrl: true, alt: true }), 'Mod+S')).toBe(false);
    expect(matchesKeybinding(key('KeyS', 's'), 'Mod+S')).toBe(false);
    expect(matchesKeybinding(key('KeyB', 'b', { ctrl: true }), 'Mod+S')).toBe(false);
  });
});

describe('CommandRegistry', () => {
  it('runs the command bound to a key and stops the key there', () => {
    const registry = new CommandRegistry();
    const run = vi.fn();
    registry.register({ id: 'save', title: 'Save', keybinding: 'Mod+S', run });
    const event = key('KeyS', 's', { ctrl: true });
    expect(registry.handleKeydown(event)).toBe(true);
    expect(run).toHaveBeenCalledOnce();
    expect(event.defaultPrevented).toBe(true);
  });

  it('lists and runs only enabled commands, and forgets a command when its owner unmounts', async () => {
    const registry = new CommandRegistry();
    const dispose = registry.register({ id: 'a', title: 'Alpha', run: () => undefined });
    registry.register({ id: 'b', title: 'Beta', run: () => undefined, enabled: () => false });
    expect(registry.list().map((command) => command.id)).toEqual(['a']);
    expect(await registry.execute('b')).toBe(false);
    dispose();
    expect(registry.list()).toEqual([]);
    expect(await registry.execute('a')).toBe(false);
  });
});
