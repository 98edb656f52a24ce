/** `path` is `root` or inside it. */
export function within(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

/** Where `path` is after `from` moved to `to` (unchanged when outside `from`). */
export function movedPath(path: string, from: string, to: string): string {
  return within(path, from) ? to + path.slice(from.length) : path;
}
