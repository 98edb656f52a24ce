import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { IgnoreRules } from './ignoreRules.js';

export interface WalkEntry {
  relative: string;
  dirent: Dirent;
  depth: number;
}

export interface WalkOptions {
  /** Include what .gitignore, node_modules and .git would hide. */
  all?: boolean;
}

/**
 * Depth-first walk of a workspace in name order (directories first), skipping ignored entries and never
 * following symlinks. Callers stop it early by breaking out of the loop.
 */
export async function* walkWorkspace(root: string, options: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  async function* visit(directory: string, rules: IgnoreRules, depth: number): AsyncGenerator<WalkEntry> {
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(root, directory), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || (a.name < b.name ? -1 : 1));
    for (const dirent of entries) {
      const relative = directory === '' ? dirent.name : `${directory}/${dirent.name}`;
      if (!options.all && rules.ignores(relative, dirent.isDirectory())) continue;
      yield { relative, dirent, depth };
      if (dirent.isDirectory()) {
        const inner = options.all ? rules : await rules.enter(root, relative);
        yield* visit(relative, inner, depth + 1);
      }
    }
  }
  const rules = options.all ? IgnoreRules.empty() : await IgnoreRules.empty().enter(root, '');
  yield* visit('', rules, 0);
}
