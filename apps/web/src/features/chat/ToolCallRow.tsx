import type { ToolCall } from '@vaporform/contracts';
import { useState } from 'react';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import { toolSummary } from './toolSummary';

type CallState = 'running' | 'ok' | 'error' | 'stopped';

function stateOf(call: ToolCall, turnRunning: boolean): CallState {
  if (call.output === null) return turnRunning ? 'running' : 'stopped';
  return call.isError ? 'error' : 'ok';
}

const stateIcon = { ok: 'check', error: 'error', stopped: 'circle-slash' } as const;

/** One tool call: a row with the tool and what it was given, expanding to the input and the output. */
export function ToolCallRow({ call, turnRunning }: { call: ToolCall; turnRunning: boolean }) {
  const [open, setOpen] = useState(false);
  const state = stateOf(call, turnRunning);
  const summary = toolSummary(call.input);
  return (
    <div className="chat-tool" data-state={state}>
      <button
        type="button"
        className="chat-tool-row"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        <Icon name={open ? 'chevron-down' : 'chevron-right'} />
        {state === 'running' ? <Spinner label="Running" /> : <Icon name={stateIcon[state]} />}
        <span className="chat-tool-name">{call.name}</span>
        {summary && (
          <span className="chat-tool-summary" title={summary}>
            {summary}
          </span>
        )}
      </button>
      {open && (
        <div className="chat-tool-details">
          <div className="chat-tool-label">Input</div>
          <pre>{JSON.stringify(call.input, null, 2)}</pre>
          <div className="chat-tool-label">{call.isError ? 'Error' : 'Output'}</div>
          {call.output === null ? (
            <p className="chat-muted">{state === 'running' ? 'Running…' : 'No result: the turn stopped.'}</p>
          ) : (
            <pre className={call.isError ? 'chat-tool-error' : undefined}>{call.output || '(no output)'}</pre>
          )}
        </div>
      )}
    </div>
  );
}
