import type { AgentStreamEvent, Turn } from '@vaporform/contracts';

/**
 * Keeps a running turn's snapshot in step with its stream, so `GET …/turns/:turnId` answers what the
 * sockets have been sent so far.
 */
export function recordLiveEvent(turn: Turn, event: AgentStreamEvent, now = new Date().toISOString()): void {
  switch (event.type) {
    case 'text':
      turn.text += event.delta;
      break;
    case 'status':
      Object.assign(turn, { status: event.status, error: event.error, finishedAt: now });
      break;
    case 'file_changed':
      if (!turn.changedFiles.includes(event.path)) turn.changedFiles.push(event.path);
      turn.fileDiffs.push({ path: event.path, diff: event.diff });
      break;
    case 'usage':
      turn.usage = event.usage;
      break;
    case 'review':
      turn.review = event.review;
      break;
    case 'approval':
      turn.approval = event.state === 'asked' ? event.request : null;
      break;
    case 'check': {
      const { name, command, passed, output } = event;
      turn.checks.push({ name, command, passed, output });
      break;
    }
    case 'tool_call': {
      const { id, name, input } = event;
      turn.toolCalls.push({
        id,
        name,
        input,
        output: null,
        isError: false,
        startedAt: now,
        finishedAt: null,
      });
      break;
    }
    case 'tool_result': {
      const call = turn.toolCalls.find((candidate) => candidate.id === event.id);
      if (call) Object.assign(call, { output: event.output, isError: event.isError, finishedAt: now });
      break;
    }
  }
}
