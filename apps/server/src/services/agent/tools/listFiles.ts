import { z } from 'zod';
import type { AgentTool } from './agentTool.js';
import { fileFailure, pathProblem, plural, toolError } from './toolSupport.js';

export const listFilesLimit = 500;

const input = z.strictObject({
  path: z
    .string()
    .default('.')
    .describe("Directory to list, relative to the workspace root (e.g. 'src/components'). '.' is the root."),
  recursive: z
    .boolean()
    .default(false)
    .describe('List everything below the directory, not just its direct entries.'),
});

export type ListFilesInput = z.infer<typeof input>;

export const listFilesTool: AgentTool<ListFilesInput> = {
  name: 'list_files',
  description:
    'List the files and directories in a workspace directory (paths relative to the workspace root; ' +
    "directories end with '/'; files ignored by .gitignore such as node_modules are left out). " +
    `Use it to find your way around the project before reading files. At most ${listFilesLimit} entries ` +
    'are returned; list a subdirectory, or use recursive=false, to see more of a large tree.',
  input,
  needs: 'read',
  async run({ path, recursive }, context) {
    const problem = pathProblem(path, { allowRoot: true });
    if (problem) return toolError(problem);
    let listing: { paths: string[]; truncated: boolean };
    try {
      listing = await context.files.list(path, { recursive, limit: listFilesLimit });
    } catch (error) {
      return fileFailure(error, path, 'list');
    }
    const where = path === '' || path === '.' || path === './' ? 'the workspace root' : `'${path}'`;
    if (listing.paths.length === 0) return { output: `${where} is empty.` };
    const shown = listing.paths.slice(0, listFilesLimit);
    const header = `${plural(shown.length, 'entry', 'entries')} in ${where}${recursive ? ' (recursive)' : ''}:`;
    const lines = [header, ...shown];
    if (listing.truncated || listing.paths.length > listFilesLimit) {
      lines.push(
        `[Truncated: only the first ${shown.length} entries are shown. ` +
          (recursive
            ? 'List a subdirectory, or list without recursive, to narrow it down.]'
            : 'List one of its subdirectories, or use search with an include glob, to find what you need.]'),
      );
    }
    return { output: lines.join('\n') };
  },
};
