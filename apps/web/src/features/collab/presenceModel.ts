import { CollabAwarenessSchema, collabColor } from '@vaporform/contracts';

/** Another person in the project, once however many tabs they have open. */
export interface PresenceUser {
  id: string;
  name: string;
  color: string;
  /** The files they have in front of them (one per tab), sorted. */
  files: readonly string[];
}

export interface Presence {
  /** Everyone else online, by name. */
  online: readonly PresenceUser[];
  /** Who else has each file open. */
  byFile: ReadonlyMap<string, readonly PresenceUser[]>;
}

export const noPresence: Presence = { online: [], byFile: new Map() };

const hexColor = /^#[0-9a-f]{6}$/i;

/** A state's colour is another client's say: anything but `#rrggbb` becomes the id's contract colour. */
export function safeColor(color: string, userId: string): string {
  return hexColor.test(color) ? color.toLowerCase() : collabColor(userId);
}

/**
 * Who is online and who has which file open, from the presence document's awareness states. This client
 * and the same user's other tabs are left out (the status bar shows the others); a user with several tabs
 * is one person with the union of their files. States that do not match the protocol are ignored.
 */
export function presenceOf(
  states: ReadonlyMap<number, unknown>,
  self: { clientId: number; userId: string },
): Presence {
  const users = new Map<string, { id: string; name: string; color: string; files: Set<string> }>();
  for (const [clientId, state] of states) {
    if (clientId === self.clientId) continue;
    const parsed = CollabAwarenessSchema.safeParse(state);
    if (!parsed.success) continue;
    const { user, openFile } = parsed.data;
    if (user.id === self.userId) continue;
    let entry = users.get(user.id);
    if (!entry) {
      entry = { id: user.id, name: user.name, color: safeColor(user.color, user.id), files: new Set() };
      users.set(user.id, entry);
    }
    if (openFile) entry.files.add(openFile);
  }
  const online = [...users.values()]
    .map((user) => ({ ...user, files: [...user.files].sort() }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const byFile = new Map<string, PresenceUser[]>();
  for (const user of online) {
    for (const file of user.files) {
      const list = byFile.get(file);
      if (list) list.push(user);
      else byFile.set(file, [user]);
    }
  }
  return { online, byFile };
}
