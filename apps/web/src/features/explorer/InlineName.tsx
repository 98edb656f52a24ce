import { useEffect, useRef, useState } from 'react';
import { Icon } from './icons';
import { indent } from './TreeRow';

/** VS Code's inline name box: Enter or leaving it commits, Escape cancels; the problem shows under it. */
export function InlineName({
  depth,
  type,
  initial,
  label,
  onSubmit,
  onCancel,
}: {
  depth: number;
  type: 'file' | 'directory';
  initial: string;
  label: string;
  /** Resolves a message to show (and keep the box open), or null when done. */
  onSubmit: (name: string) => Promise<string | null>;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const submitting = useRef(false);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    input.focus();
    // Select the name without its extension, as VS Code does for a rename.
    const dot = initial.lastIndexOf('.');
    input.setSelectionRange(0, type === 'file' && dot > 0 ? dot : initial.length);
  }, [initial, type]);

  const commit = async () => {
    if (submitting.current) return;
    if (value.trim() === '' || (initial !== '' && value === initial)) {
      onCancel();
      return;
    }
    submitting.current = true;
    const message = await onSubmit(value);
    submitting.current = false;
    setProblem(message);
    if (message) inputRef.current?.focus();
  };

  return (
    <div className="explorer-row explorer-row-input" style={indent(depth)} role="none">
      <span className="explorer-twistie" aria-hidden="true" />
      <Icon name={type === 'directory' ? 'folder' : 'file'} />
      <span className="explorer-input-wrap">
        <input
          ref={inputRef}
          className="explorer-input"
          aria-label={label}
          aria-invalid={problem ? true : undefined}
          value={value}
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => {
            setValue(event.target.value);
            setProblem(null);
          }}
          onKeyDown={(event) => {
            // The tree's own keys (F2, Delete, arrows) must not act while typing a name.
            event.stopPropagation();
            if (event.key === 'Enter') {
              event.preventDefault();
              void commit();
            } else if (event.key === 'Escape') {
              event.preventDefault();
              onCancel();
            }
          }}
          onBlur={() => {
            if (!problem) void commit();
            else onCancel();
          }}
        />
        {problem && (
          <span className="explorer-input-problem" role="alert">
            {problem}
          </span>
        )}
      </span>
    </div>
  );
}
