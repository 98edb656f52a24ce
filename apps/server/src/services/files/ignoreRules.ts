import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { readRegularFile } from './readRegularFile.js';

const maxIgnoreFileBytes = 256 * 1024;

/** Hidden from listings, search and archives unless the caller asks for everything. */
export const alwaysHidden = new Set(['.git', 'node_modules']);

interface Scope {
  directory: string;
  rules: Ignore;
}

/**
 * `.gitignore` semantics for a walk: each directory's file applies to paths below it, relative to it.
 * Scopes are read once per directory as the walk enters it.
 */
export class IgnoreRules {
  private constructor(private readonly scopes: Scope[]) {}

  static empty(): IgnoreRules {
    return new IgnoreRules([]);
  }

  /** The rules for a directory's children: the parent's plus the directory's own `.gitignore`. */
  async enter(workspaceRoot: string, directory: string): Promise<IgnoreRules> {
    const content = await readRegularFile(
      path.join(workspaceRoot, directory, '.gitignore'),
      maxIgnoreFileBytes,
    );
    if (!content) return this;
    return new IgnoreRules([...this.scopes, { directory, rules: ignore().add(content.toString('utf8')) }]);
  }

  ignores(relative: string, isDirectory: boolean): boolean {
    if (alwaysHidden.has(path.posix.basename(relative))) return true;
    for (const scope of this.scopes) {
      const inner = scope.directory === '' ? relative : path.posix.relative(scope.directory, relative);
      if (inner === '' || inner.startsWith('..')) continue;
      if (scope.rules.ignores(isDirectory ? `${inner}/` : inner)) return true;
    }
    return false;
  }
}
