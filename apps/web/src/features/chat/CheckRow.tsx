import type { CheckResult } from '@vaporform/contracts';
import { useState } from 'react';
import { Icon } from '../../ui/Icon';

/** One template check the agent ran after its edits: passed or failed, expanding to its command and output. */
export function CheckRow({ check }: { check: CheckResult }) {
  const [open, setOpen] = useState(false);
  const state = check.passed ? 'ok' : 'error';
  return (
    <div className="chat-tool chat-check" data-state={state}>
      <button
        type="button"
        className="chat-tool-row"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        <Icon name={open ? 'chevron-down' : 'chevron-right'} />
        <Icon name={check.passed ? 'check' : 'error'} label={check.passed ? 'Passed' : 'Failed'} />
        <span className="chat-tool-name">{check.name}</span>
        <span className="chat-tool-summary" title={check.command}>
          {check.passed ? 'passed' : 'failed'}
        </span>
      </button>
      {open && (
        <div className="chat-tool-details">
          <div className="chat-tool-label">Command</div>
          <pre>{check.command}</pre>
          <div className="chat-tool-label">Output</div>
          <pre className={check.passed ? undefined : 'chat-tool-error'}>{check.output || '(no output)'}</pre>
        </div>
      )}
    </div>
  );
}
