import type { AgentStreamEvent } from '@vaporform/contracts';

/**
 * One line for the status bar about what the agent is doing on the project, from its stream: what it edits,
 * reads or runs, or that it is answering. Null when a turn ends. Undefined: the event changes nothing.
 */
export function agentActivity(event: AgentStreamEvent): string | null | undefined {
  switch (event.type) {
    case 'tool_call': {
      const path = typeof event.input.path === 'string' ? event.input.path : null;
      const command = typeof event.input.command === 'string' ? event.input.command : null;
      if ((event.name === 'write_file' || event.name === 'edit_file') && path)
        return `Agent is editing ${path}`;
      if (event.name === 'read_file' && path) return `Agent is reading ${path}`;
      if (event.name === 'run_command' && command) return `Agent is running ${clip(command)}`;
      if (event.name.startsWith('mcp__')) return `Agent is using ${event.name.slice(5).replace('__', ' · ')}`;
      return 'Agent is looking around';
    }
    case 'approval':
      return event.state === 'asked' ? `Agent waits for approval of ${event.request.tool}` : undefined;
    case 'text':
      return 'Agent is answering';
    case 'check':
      return `Agent checked: ${event.name} ${event.passed ? 'passed' : 'failed'}`;
    case 'status':
      return event.status === 'running' ? undefined : null;
    default:
      return undefined;
  }
}

function clip(command: string): string {
  const line = command.split('\n')[0] ?? '';
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}
