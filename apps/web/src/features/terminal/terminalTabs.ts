import { TerminalIdSchema, type TerminalInfo } from '@vaporform/contracts';

/** One terminal tab: the id the server knows its shell by, its number, and a name if the user gave one. */
export interface TerminalTab {
  id: string;
  n: number;
  name?: string;
}

export interface TerminalTabs {
  tabs: TerminalTab[];
  active: string | null;
}

export const emptyTabs: TerminalTabs = { tabs: [], active: null };

/** A reload finds its shells again through these ids (localStorage, per project). */
export function storageKey(projectId: string): string {
  return `vaporform.terminals.${projectId}`;
}

/** The stored tabs, or none when nothing (valid) is stored. */
export function loadTabs(storage: Pick<Storage, 'getItem'> | undefined, projectId: string): TerminalTabs {
  try {
    const raw = storage?.getItem(storageKey(projectId));
    if (!raw) return emptyTabs;
    const parsed = JSON.parse(raw) as { tabs?: unknown; active?: unknown };
    if (!Array.isArray(parsed.tabs)) return emptyTabs;
    const seen = new Set<string>();
    const tabs: TerminalTab[] = [];
    for (const entry of parsed.tabs as unknown[]) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { id, n, name } = entry as { id?: unknown; n?: unknown; name?: unknown };
      if (!TerminalIdSchema.safeParse(id).success || typeof id !== 'string' || seen.has(id)) continue;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) continue;
      seen.add(id);
      tabs.push(typeof name === 'string' && name.trim() ? { id, n, name: name.slice(0, 60) } : { id, n });
    }
    const active =
      typeof parsed.active === 'string' && seen.has(parsed.active) ? parsed.active : (tabs[0]?.id ?? null);
    return { tabs, active };
  } catch {
    return emptyTabs;
  }
}

export function saveTabs(
  storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined,
  projectId: string,
  value: TerminalTabs,
): void {
  try {
    if (value.tabs.length === 0) storage?.removeItem(storageKey(projectId));
    else storage?.setItem(storageKey(projectId), JSON.stringify(value));
  } catch {
    // Storage full or disabled (private mode): the tabs still work, a reload just starts fresh shells.
  }
}

/** The number the next tab gets: one more than the highest in use. */
export function nextNumber(tabs: readonly TerminalTab[]): number {
  return tabs.reduce((highest, tab) => Math.max(highest, tab.n), 0) + 1;
}

/**
 * Adds the caller's shells the server still holds but this browser does not know (another tab opened them,
 * or storage was cleared), oldest first, so that they are reattached instead of left to time out.
 */
export function mergeServerTerminals(current: TerminalTabs, server: readonly TerminalInfo[]): TerminalTabs {
  const known = new Set(current.tabs.map((tab) => tab.id));
  const missing = [...server]
    .filter((info) => !known.has(info.id))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  if (missing.length === 0) return current;
  const tabs = [...current.tabs];
  for (const info of missing) tabs.push({ id: info.id, n: nextNumber(tabs) });
  return { tabs, active: current.active ?? tabs[0]?.id ?? null };
}

export function addTab(current: TerminalTabs, id: string): TerminalTabs {
  return { tabs: [...current.tabs, { id, n: nextNumber(current.tabs) }], active: id };
}

/** Removes the tab; when it was the active one, its neighbour (the next, else the previous) becomes active. */
export function removeTab(current: TerminalTabs, id: string): TerminalTabs {
  const index = current.tabs.findIndex((tab) => tab.id === id);
  if (index < 0) return current;
  const tabs = current.tabs.filter((tab) => tab.id !== id);
  const active =
    current.active === id ? (tabs[Math.min(index, tabs.length - 1)]?.id ?? null) : current.active;
  return { tabs, active };
}

export function renameTab(current: TerminalTabs, id: string, name: string): TerminalTabs {
  const trimmed = name.trim().slice(0, 60);
  return {
    ...current,
    tabs: current.tabs.map((tab) => {
      if (tab.id !== id) return tab;
      return trimmed ? { ...tab, name: trimmed } : { id: tab.id, n: tab.n };
    }),
  };
}

export function tabLabel(tab: TerminalTab): string {
  return tab.name ?? `Terminal ${tab.n}`;
}

/** A fresh terminal id (`t-` and 20 random hex digits), valid for the server's `TerminalIdSchema`. */
export function newTerminalId(
  random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes),
): string {
  const bytes = random(new Uint8Array(10));
  return `t-${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
