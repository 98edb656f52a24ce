import type { Command } from '../../platform/commands';

/**
 * VS Code-like filtering: every word of the query must appear in "Category: Title"; titles that start with
 * the query come first, then the rest in the registry's order.
 */
export function rankCommands(commands: readonly Command[], query: string): Command[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...commands];
  const scored: { command: Command; score: number }[] = [];
  for (const command of commands) {
    const label = `${command.category ? `${command.category}: ` : ''}${command.title}`.toLowerCase();
    if (!words.every((word) => label.includes(word))) continue;
    const title = command.title.toLowerCase();
    const joined = words.join(' ');
    const score = title.startsWith(joined) ? 0 : title.includes(joined) ? 1 : 2;
    scored.push({ command, score });
  }
  return scored.sort((a, b) => a.score - b.score).map((entry) => entry.command);
}
