/**
 * Whether co-editing can be used, decided from what the `/collab` socket did. Pure, so the fallback rules
 * are tested without a socket: the editors fall back to the files API (load/save with `If-Match`) whenever
 * this says `rest`, so a server without `/collab`, a proxy that drops WebSocket upgrades or a refused
 * document never leaves a file unopenable.
 */
export type SocketAvailability = 'connecting' | 'available' | 'unavailable';

/** `connected`: the server answered on the socket (its first message), not merely accepted the upgrade. */
export type SocketSignal = 'connected' | 'closed' | 'timeout';

/**
 * A socket the server never answered on (closed, or still connecting at the deadline) means no co-editing
 * for now. Once it has answered, a drop is an outage to ride out: the providers reconnect on their own
 * and the documents keep every edit meanwhile, so the editors stay bound.
 */
export function availabilityAfter(current: SocketAvailability, signal: SocketSignal): SocketAvailability {
  if (signal === 'connected') return 'available';
  if (current === 'available') return 'available';
  return 'unavailable';
}

/** After this long without co-editing, the next file opened tries the socket again. */
export function retryDue(unavailableSince: number, now: number, retryAfterMs: number): boolean {
  return now - unavailableSince >= retryAfterMs;
}

/** How far one file's document got: joined, refused by the server, too slow, or closed meanwhile. */
export type DocumentOutcome = 'pending' | 'synced' | 'denied' | 'timeout' | 'disposed';

export type FileMode = 'collab' | 'rest' | 'wait';

/** How a file opens: bound to its shared document, through the files API, or not decided yet. */
export function fileMode(socket: SocketAvailability, document: DocumentOutcome): FileMode {
  if (socket === 'unavailable') return 'rest';
  if (document === 'synced') return socket === 'available' ? 'collab' : 'wait';
  if (document === 'pending') return 'wait';
  return 'rest';
}

/**
 * What a bound tab shows instead of "dirty": every local change acknowledged by the server (which writes
 * the file within 300 ms), some not yet, or no connection (edits are kept and sent on reconnect).
 */
export type CollabFileStatus = 'synced' | 'unsynced' | 'offline';

export function collabFileStatus(state: {
  connected: boolean;
  synced: boolean;
  unsyncedChanges: number;
}): CollabFileStatus {
  if (!state.connected) return 'offline';
  return state.synced && state.unsyncedChanges === 0 ? 'synced' : 'unsynced';
}
