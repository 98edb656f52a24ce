import { TerminalIdSchema, type TerminalInfo } from '@vaporform/contracts';
import { describe, expect, it } from 'vitest';
import {
  addTab,
  emptyTabs,
  loadTabs,
  mergeServerTerminals,
  newTerminalId,
  nextNumber,
  removeTab,
  renameTab,
  saveTabs,
  storageKey,
  tabLabel,
} from './terminalTabs';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const info = (id: string, createdAt: string): TerminalInfo => ({
  id,
  createdAt,
  lastActivityAt: createdAt,
  attached: 0,
  cols: 80,
  rows: 24,
});

describe('terminal tab persistence', () => {
  it('keeps the tabs per project across a reload', () => {
    const storage = new MemoryStorage();
    let tabs = addTab(emptyTabs, 't-one');
    tabs = addTab(tabs, 't-two');
    tabs = renameTab(tabs, 't-one', 'server');
    saveTabs(storage, 'project-a', tabs);

    expect(loadTabs(storage, 'project-a')).toEqual({
      tabs: [
        { id: 't-one', n: 1, name: 'server' },
        { id: 't-two', n: 2 },
      ],
      active: 't-two',
    });
    expect(loadTabs(storage, 'project-b')).toEqual(emptyTabs);
  });

  it('forgets the entry when the last tab closes', () => {
    const storage = new MemoryStorage();
    const tabs = addTab(emptyTabs, 't-one');
    saveTabs(storage, 'p', tabs);
    saveTabs(storage, 'p', removeTab(tabs, 't-one'));
    expect(storage.items.has(storageKey('p'))).toBe(false);
  });

  it('ignores broken or tampered storage', () => {
    const storage = new MemoryStorage();
    storage.setItem(storageKey('p'), '{not json');
    expect(loadTabs(storage, 'p')).toEqual(emptyTabs);
    storage.setItem(
      storageKey('p'),
      JSON.stringify({
        tabs: [
          { id: '../etc', n: 1 },
          { id: 't-ok', n: 2 },
          { id: 't-ok', n: 3 },
          { id: 't-bad-n', n: 0 },
          null,
        ],
        active: 'missing',
      }),
    );
    expect(loadTabs(storage, 'p')).toEqual({ tabs: [{ id: 't-ok', n: 2 }], active: 't-ok' });
    expect(loadTabs(undefined, 'p')).toEqual(emptyTabs);
  });

  it('survives storage that throws (private mode)', () => {
    const throwing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => undefined,
    };
    expect(loadTabs(throwing, 'p')).toEqual(emptyTabs);
    expect(() => saveTabs(throwing, 'p', addTab(emptyTabs, 't-x'))).not.toThrow();
  });
});

describe('terminal tabs', () => {
  it('numbers new tabs after the highest in use', () => {
    let tabs = addTab(addTab(addTab(emptyTabs, 'a'), 'b'), 'c');
    tabs = removeTab(tabs, 'b');
    expect(nextNumber(tabs.tabs)).toBe(4);
    expect(tabs.tabs.map(tabLabel)).toEqual(['Terminal 1', 'Terminal 3']);
  });

  it('activates a neighbour when the active tab closes', () => {
    const tabs = { ...addTab(addTab(addTab(emptyTabs, 'a'), 'b'), 'c'), active: 'b' };
    expect(removeTab(tabs, 'b').active).toBe('c');
    expect(removeTab({ ...tabs, active: 'c' }, 'c').active).toBe('b');
    expect(removeTab(tabs, 'a').active).toBe('b');
    expect(removeTab(addTab(emptyTabs, 'a'), 'a')).toEqual({ tabs: [], active: null });
  });

  it('renames, and an empty name brings the number back', () => {
    const tabs = renameTab(addTab(emptyTabs, 'a'), 'a', '  dev server  ');
    expect(tabLabel(tabs.tabs[0]!)).toBe('dev server');
    expect(tabLabel(renameTab(tabs, 'a', ' ').tabs[0]!)).toBe('Terminal 1');
  });

  it('reattaches shells the server holds that this browser does not know, oldest first', () => {
    const current = addTab(emptyTabs, 't-known');
    const merged = mergeServerTerminals(current, [
      info('t-newer', '2026-01-01T10:05:00.000Z'),
      info('t-known', '2026-01-01T10:00:00.000Z'),
      info('t-older', '2026-01-01T10:01:00.000Z'),
    ]);
    expect(merged.tabs).toEqual([
      { id: 't-known', n: 1 },
      { id: 't-older', n: 2 },
      { id: 't-newer', n: 3 },
    ]);
    expect(merged.active).toBe('t-known');
    expect(mergeServerTerminals(emptyTabs, [info('t-x', '2026-01-01T10:00:00Z')]).active).toBe('t-x');
    expect(mergeServerTerminals(current, [])).toBe(current);
  });

  it('makes ids the server accepts, different every time', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newTerminalId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(TerminalIdSchema.safeParse(id).success).toBe(true);
    expect(newTerminalId((bytes) => bytes.fill(0xab))).toBe(`t-${'ab'.repeat(10)}`);
  });
});
