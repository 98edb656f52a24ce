import { z } from 'zod';
import type { AgentTool } from './agentTool.js';
import { countLines, fileFailure, pathProblem, plural, toolError } from './toolSupport.js';

const input = z.strictObject({
  path: z
    .string()
    .min(1)
    .describe(
      "File to write, relative to the workspace root (e.g. 'src/routes/login.ts'). Missing directories are created.",
    ),
  content: z.string().describe('The complete new content of the file (not a diff, no line numbers).'),
});

export type WriteFileInput = z.infer<typeof input>;

export const writeFileTool: AgentTool<WriteFileInput> = {
  name: 'write_file',
  description:
    'Create a file, or replace the whole content of an existing one, in the workspace. Missing parent ' +
    'directories are created. Prefer edit_file for changing part of an existing file: it is safer and ' +
    'cheaper. The running app picks the change up like any saved file (hot reload).',
  input,
  needs: 'write',
  async run({ path, content }, context) {
    const problem = pathProblem(path, { allowRoot: false });
    if (problem) return toolError(problem);
    if (path.endsWith('/'))
      return toolError(`'${path}' names a directory. Give the path of a file, e.g. '${path}index.ts'.`);
    await context.beforeWrite(path);
    context.signal.throwIfAborted();
    let existed: boolean;
    try {
      ({ existed } = await context.files.write(path, content));
    } catch (error) {
      return fileFailure(error, path, 'write');
    }
    return {
      output: `${existed ? 'Overwrote' : 'Created'} ${path} (${plural(countLines(content), 'line')}).`,
    };
  },
};
