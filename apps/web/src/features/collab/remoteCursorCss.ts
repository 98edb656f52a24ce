import { CollabUserSchema, type CollabUser } from '@vaporform/contracts';
import { safeColor } from './presenceModel';

/** A remote client on one file's document: y-monaco names its decorations after the client id. */
export interface RemoteCursor {
  clientId: number;
  user: CollabUser;
}

/**
 * A CSS string literal for `content:`. Every character that is not plainly safe becomes a hex escape, so a
 * name can neither end the string (`"`, `\`, a newline) nor the style sheet (`</style>`), whatever it holds.
 */
export function cssString(text: string): string {
  let out = '"';
  for (const character of text) {
    out += /^[\p{L}\p{N} _.,:;!?@#&()'-]$/u.test(character)
      ? character
      : `\\${character.codePointAt(0)!.toString(16)} `;
  }
  return `${out}"`;
}

/**
 * Per-client rules for y-monaco's `yRemoteSelection-<id>` (the selection) and `yRemoteSelectionHead-<id>`
 * (the caret, labelled with the person's name): the shared rules in collab.css give the shape, these the
 * colour and the name (two classes each, so they win over the shared rules whatever the order of loading).
 */
export function remoteCursorCss(cursors: readonly RemoteCursor[]): string {
  const rules: string[] = [];
  for (const { clientId, user } of cursors) {
    if (!Number.isSafeInteger(clientId) || clientId < 0) continue;
    const color = safeColor(user.color, user.id);
    const label = cssString(user.name || 'Someone');
    const head = `.yRemoteSelectionHead.yRemoteSelectionHead-${clientId}`;
    rules.push(
      `.yRemoteSelection.yRemoteSelection-${clientId} { background-color: ${color}40; }`,
      `${head} { border-color: ${color}; }`,
      `${head}::after { content: ${label}; background-color: ${color}; }`,
    );
  }
  return rules.join('\n');
}

/** The remote cursors on one document's awareness: every other client whose state names a user. */
export function remoteCursorsOf(states: ReadonlyMap<number, unknown>, selfClientId: number): RemoteCursor[] {
  const cursors: RemoteCursor[] = [];
  for (const [clientId, state] of states) {
    if (clientId === selfClientId || typeof state !== 'object' || state === null) continue;
    const user = CollabUserSchema.safeParse((state as { user?: unknown }).user);
    if (user.success) cursors.push({ clientId, user: user.data });
  }
  return cursors;
}
