import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SearchBody, SearchResult } from '@vaporform/contracts';
import picomatch from 'picomatch';
import { AppError } from '../../platform/errors/AppError.js';
import { walkWorkspace } from './workspaceWalk.js';

const maxFileBytes = 1024 * 1024;
const maxLineLength = 2000;
const timeBudgetMs = 5000;

export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

function compile(body: SearchBody): RegExp {
  const source = body.regex ? body.query : body.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  try {
    return new RegExp(source, body.caseSensitive ? 'g' : 'gi');
  } catch (error) {
    throw new AppError(
      'validation_failed',
      `The search pattern is not a valid regular expression: ${(error as Error).message}`,
    );
  }
}

/**
 * Full-text search over the workspace's text files (ignored paths, binaries and files over 1 MiB are
 * skipped). Long lines are cut before matching and the whole search has a time budget, which bounds what a
 * pathological pattern can cost.
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
    const content = await readFile(path.join(root, relative)).catch(() => undefined);
    if (!content || content.length > maxFileBytes || isBinary(content)) continue;
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
