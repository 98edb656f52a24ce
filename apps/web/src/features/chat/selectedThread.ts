import { useCallback, useSyncExternalStore } from 'react';

/**
 * Which conversation the chat shows, per project and per tab (sessionStorage): a thread id, `new` for a
 * conversation not started yet, or nothing chosen (the most recent thread).
 */
export type ThreadSelection = string | null;

/** The selection of a conversation not started yet. */
export const NEW_SELECTION = 'new';

const listeners = new Set<() => void>();
/** Mirrors the storage, which may be unavailable (privacy modes): the choice then lasts as long as the page. */
const memory = new Map<string, ThreadSelection>();
const storageKey = (projectId: string) => `vaporform.chat.thread.${projectId}`;

export function readSelectedThread(projectId: string): ThreadSelection {
  if (!memory.has(projectId)) {
    let stored: ThreadSelection = null;
    try {
      stored = sessionStorage.getItem(storageKey(projectId));
    } catch {
      // Unavailable: nothing chosen yet.
    }
    memory.set(projectId, stored);
  }
  return memory.get(projectId) ?? null;
}

export function selectThread(projectId: string, selection: ThreadSelection): void {
  memory.set(projectId, selection);
  try {
    if (selection === null) sessionStorage.removeItem(storageKey(projectId));
    else sessionStorage.setItem(storageKey(projectId), selection);
  } catch {
    // Unavailable: `memory` keeps the choice for this page.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSelectedThread(
  projectId: string,
): [ThreadSelection, (selection: ThreadSelection) => void] {
  const selection = useSyncExternalStore(subscribe, () => readSelectedThread(projectId));
  const select = useCallback((next: ThreadSelection) => selectThread(projectId, next), [projectId]);
  return [selection, select];
}
