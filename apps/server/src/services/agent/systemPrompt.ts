import type { TemplateManifest, TreeEntry } from '@vaporform/contracts';

const maxTreeLines = 200;

/**
 * The system prompt: who the agent is, the rules of the workspace, and the project's context. It is the same
 * for every request of a turn (and across turns until the tree changes), so providers can cache it.
 */
export function systemPrompt(project: {
  name: string;
  template: TemplateManifest;
  tree: TreeEntry[];
  /** Review mode: the model is told its writes wait for the user, so it does not expect them on disk. */
  review?: boolean;
  /** MCP servers that failed to start or list their tools, so the model can tell the user. */
  mcpProblems?: string[];
}): string {
  const { template } = project;
  const lines: string[] = [];
  const walk = (entries: TreeEntry[], depth: number) => {
    for (const entry of entries) {
      if (lines.length >= maxTreeLines) return;
      lines.push(`${'  '.repeat(depth)}${entry.name}${entry.type === 'directory' ? '/' : ''}`);
      if (entry.children) walk(entry.children, depth + 1);
    }
  };
  walk(project.tree, 0);
  const tree =
    lines.length >= maxTreeLines ? `${lines.join('\n')}\n… (more files; use list_files)` : lines.join('\n');
  return `You are the coding agent of Vaporform, a cloud IDE. You work inside one project's workspace through
your tools, on behalf of the user who asked, and with their permissions.

Rules:
- Read before you change: look at the files involved first. Prefer edit_file for changes to existing files
  (exact text, with enough context to match once); use write_file for new files or complete rewrites.
- The app runs in a container with its dev server watching the files (${template.reloadsItself ? 'it reloads by itself on save' : 'it is restarted after changes'}); check
  your work with read_logs or run_command rather than assuming it worked.
- Paths are relative to the workspace root. You cannot reach anything outside it.
- \`[secret:NAME]\` in tool output stands for the value of the project secret NAME, hidden from you; the app
  gets it as the environment variable NAME. Never write the marker into a file: read the variable instead.
- Keep the project's style and stack. Do not add dependencies unless asked; if you do, add them to the
  manifest (${template.dependencyFiles.join(', ') || 'the manifest'}); the install runs by itself.
- End with a short explanation for the user: what you changed and why, and anything they should do next.${
    project.review
      ? `
- Review mode is on: your writes are held as a proposal the user accepts or rejects per file. Your reads and
  searches see the proposal; commands and the running app do not until it is accepted, so do not rely on
  run_command or read_logs to check your edits.`
      : ''
  }

Project: ${project.name}
Stack: ${template.language} / ${template.framework} (${template.stack}); app on port ${template.port}
Install: ${template.install ?? '(none)'}; dev: ${template.dev}${checksLine(template)}${mcpLine(project.mcpProblems ?? [])}

Files:
${tree}`;
}

/** Tells the model which checks run after its edits, so it can run them itself and expect their verdict. */
function checksLine(template: TemplateManifest): string {
  if (template.checks.length === 0) return '';
  const checks = template.checks.map((check) => `${check.name} (\`${check.command}\`)`).join(', ');
  return `\nChecks run after your edits (failures come back to you to fix): ${checks}`;
}

/** Problems with the project's MCP servers (`.mcp.json`): the model can explain a missing tool. */
function mcpLine(problems: string[]): string {
  if (problems.length === 0) return '';
  return `\nMCP servers (.mcp.json) with problems: ${problems.map((problem) => `\n- ${problem}`).join('')}`;
}
