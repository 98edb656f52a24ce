import { z } from 'zod';
import type { AgentTool } from './agentTool.js';
import { AppError } from '../../../platform/errors/AppError.js';
import { plural, toolError } from './toolSupport.js';

export const searchLimit = 200;
const maxTextChars = 240;

const input = z.strictObject({
  pattern: z
    .string()
    .min(1)
    .max(500)
    .describe('The text to look for; a regular expression (JavaScript syntax) when regex is true.'),
  regex: z.boolean().default(false).describe('Treat pattern as a regular expression instead of plain text.'),
  include: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      "Only search files whose workspace-relative path matches this glob, e.g. 'src/**/*.ts'. A glob " +
        "without '/' such as '*.css' matches files of that name in any directory.",
    ),
});

export type SearchInput = z.infer<typeof input>;

export const searchTool: AgentTool<SearchInput> = {
  name: 'search',
  description:
    'Search the text files of the workspace (files ignored by .gitignore, binaries and very large files are ' +
    'skipped) and return each matching line as `path:line: text`. Use it to find where something is ' +
    `defined or used before reading or editing. At most ${searchLimit} matches are returned; narrow with ` +
    'include or a more specific pattern when there are more.',
  input,
  needs: 'read',
  async run({ pattern, regex, include }, context) {
    if (regex) {
      try {
        new RegExp(pattern);
      } catch (error) {
        return toolError(
          `The pattern is not a valid regular expression: ${(error as Error).message}. ` +
            'Fix it, or set regex=false to search for the plain text.',
        );
      }
    }
    const glob = include && !include.includes('/') ? `**/${include}` : include;
    let result: { matches: { path: string; line: number; text: string }[]; truncated: boolean };
    try {
      result = await context.files.search({ pattern, regex, include: glob, limit: searchLimit });
    } catch (error) {
      if (error instanceof AppError && (error.code === 'bad_request' || error.code === 'validation_failed')) {
        return toolError(
          `The search was refused: ${error.message}. Adjust the pattern or include glob and try again.`,
        );
      }
      throw error;
    }
    const scope = include ? ` in files matching '${include}'` : '';
    if (result.matches.length === 0) {
      const what = regex ? `the regular expression ${JSON.stringify(pattern)}` : JSON.stringify(pattern);
      return { output: `No matches for ${what}${scope}.` };
    }
    const shown = result.matches.slice(0, searchLimit);
    const lines = shown.map(({ path, line, text }) => {
      const trimmed = text.trim();
      return `${path}:${line}: ${trimmed.length > maxTextChars ? `${trimmed.slice(0, maxTextChars)}…` : trimmed}`;
    });
    const files = new Set(shown.map((match) => match.path)).size;
    const header = `${plural(shown.length, 'match', 'matches')} in ${plural(files, 'file')}${scope}:`;
    if (result.truncated || result.matches.length > searchLimit) {
      lines.push(
        `[Truncated: showing the first ${shown.length} matches. Narrow the search with include (e.g. 'src/**') or a more specific pattern.]`,
      );
    }
    return { output: [header, ...lines].join('\n') };
  },
};
