/** The inputs that say most about a call, in the order they are looked for. */
const telling = ['path', 'command', 'pattern', 'query', 'file', 'url', 'name'];
const maxLength = 120;

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}

/**
 * A tool call in one line for its collapsed row: the path, command or pattern it was given (with a line
 * range, when it has one), or failing those its first text input, or its numbers and switches.
 */
export function toolSummary(input: Record<string, unknown>): string {
  for (const key of telling) {
    const value = input[key];
    if (typeof value === 'string' && value.trim()) {
      const { startLine, endLine } = input;
      const range =
        key === 'path' && typeof startLine === 'number'
          ? `:${startLine}${typeof endLine === 'number' ? `-${endLine}` : ''}`
          : '';
      return oneLine(value) + range;
    }
  }
  for (const value of Object.values(input)) {
    if (typeof value === 'string' && value.trim()) return oneLine(value);
  }
  const simple = Object.entries(input).filter(([, value]) => ['number', 'boolean'].includes(typeof value));
  return oneLine(simple.map(([key, value]) => `${key}: ${String(value)}`).join(', '));
}
