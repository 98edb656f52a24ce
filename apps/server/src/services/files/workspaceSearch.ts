import path from 'node:path';
import type { SearchBody, SearchResult } from '@vaporform/contracts';
import picomatch from 'picomatch';
import { linearRegExp } from './linearRegExp.js';
import { readRegularFile } from './readRegularFile.js';
import { walkWorkspace } from './workspaceWalk.js';

const maxFileBytes = 1024 * 1024;
const maxLineLength = 2000;
const timeBudgetMs = 5000;

export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

function compile(body: SearchBody): RegExp {
  const source = body.regex ? body.query : body.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return linearRegExp(source, body.caseSensitive);
}

/**
 * Full-text search over the workspace's text files (ignored paths, binaries and files over 1 MiB are
 * skipped). Patterns run on V8's linear-time engine, long lines are cut before matching, and the whole
 * search has a time budget.
 */
export async function searchWorkspace(root: string, body: SearchBody): Promise<SearchResult> {
  const pattern = compile(body);
  const included = body.include.length > 0 ? picomatch(body.include, { dot: true }) : () => true;
  const excluded = body.exclude.length > 0 ? picomatch(body.exclude, { dot: true }) : () => false;
  const deadline = Date.now() + timeBudgetMs;
  const matches: SearchResult['matches'] = [];
  let filesSearched = 0;
  for await (const { relative, dirent } of walkWorkspace(root)) {
    if (!dirent.isFile() || !included(relative) || excluded(relative)) continue;
    if (Date.now() > deadline) return { matches, truncated: true, filesSearched };
    const content = await readRegularFile(path.join(root, relative), maxFileBytes);
    if (!content || isBinary(content)) continue;
    filesSearched++;
    const lines = content.toString('utf8').split('\n');
    for (const [index, fullLine] of lines.entries()) {
      const line = fullLine.length > maxLineLength ? fullLine.slice(0, maxLineLength) : fullLine;
      pattern.lastIndex = 0;
      for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
        matches.push({ path: relative, line: index + 1, column: match.index + 1, text: line.trimEnd() });
        if (matches.length >= body.maxResults) return { matches, truncated: true, filesSearched };
        if (match[0].length === 0) pattern.lastIndex++;
      }
    }
  }
  return { matches, truncated: false, filesSearched };
}
