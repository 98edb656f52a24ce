import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';

/**
 * A file's document is rebuilt from disk whenever it is loaded (after the last editor left, or after a
 * restart), so its items are new ones. A client still holding a copy from an earlier load would, on
 * reconnecting, send all of its old items as "missing" and the server would insert the file's text a second
 * time. Each load therefore stamps the document with a marker entry that only the server writes: a client
 * update carrying such an entry comes from an earlier load's copy and is refused instead of merged.
 */
const markerMap = 'vaporform';
const markerKey = 'load';

/** Stamps a freshly loaded document (inside the transaction that fills it). */
export function stampLoad(document: Y.Doc): void {
  document.getMap(markerMap).set(markerKey, randomUUID());
}

/** Whether a client's `/collab` message carries items of an earlier load of its document. */
export function isStaleCopy(message: Uint8Array): boolean {
  const update = syncUpdateOf(message);
  if (!update || update.length === 0) return false;
  let structs: ReturnType<typeof Y.decodeUpdate>['structs'];
  try {
    structs = Y.decodeUpdate(update).structs;
  } catch {
    // Not ours to judge: Hocuspocus refuses malformed updates itself.
    return false;
  }
  // A root-level entry decodes with its parent as the root's name. The server holds every marker it wrote,
  // so a client never legitimately sends one.
  return structs.some(
    (struct) =>
      struct instanceof Y.Item && (struct.parent as unknown) === markerMap && struct.parentSub === markerKey,
  );
}

// The y-protocols framing Hocuspocus uses: varString document name, varUint message type, and for sync
// messages a varUint sync step followed by the update as a varUint8Array.
const messageSync = 0;
const messageSyncReply = 4;
const syncStep2 = 1;
const syncUpdate = 2;

/** The Yjs update inside a sync step 2 or update message, or null for any other message. */
function syncUpdateOf(message: Uint8Array): Uint8Array | null {
  const reader = new VarReader(message);
  reader.skipBytes(); // the document name
  const type = reader.uint();
  if (type !== messageSync && type !== messageSyncReply) return null;
  const step = reader.uint();
  if (step !== syncStep2 && step !== syncUpdate) return null;
  return reader.bytes();
}

/** lib0's variable-length integers and length-prefixed byte strings, read without copying. */
class VarReader {
  #offset = 0;

  constructor(private readonly data: Uint8Array) {}

  uint(): number {
    let value = 0;
    let multiplier = 1;
    for (;;) {
      const byte = this.data[this.#offset++];
      if (byte === undefined) return -1;
      value += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return value;
      multiplier *= 128;
      if (multiplier > 2 ** 53) return -1;
    }
  }

  bytes(): Uint8Array | null {
    const length = this.uint();
    if (length < 0 || this.#offset + length > this.data.length) return null;
    const bytes = this.data.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return bytes;
  }

  skipBytes(): void {
    this.bytes();
  }
}
