import { useState, type ReactNode } from 'react';
import { Button } from './Button';
import { FormField } from './FormField';

/**
 * The value of a write-only secret, typed or pasted once: masked unless the person shows it on purpose (to
 * check a paste), with a Show/Hide toggle beside it.
 */
export function SecretValueField({
  label,
  value,
  onValue,
  error,
  hint,
}: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
}) {
  const [shown, setShown] = useState(false);
  return (
    <FormField label={label} hint={hint} error={error}>
      {(control) => (
        <div className="secret-value">
          <input
            {...control}
            name="value"
            type={shown ? 'text' : 'password'}
            value={value}
            onChange={(event) => onValue(event.target.value)}
            // Not a login password: browsers should neither fill a saved one in nor offer to save this one,
            // and password managers that ignore autocomplete honour their own attributes.
            autoComplete="off"
            data-1p-ignore=""
            data-lpignore="true"
            // Shown as text it would otherwise be spellchecked, which some browsers do on a remote service.
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
          />
          <Button
            variant="secondary"
            className="secret-value-toggle"
            aria-label={shown ? 'Hide value' : 'Show value'}
            onClick={() => setShown((now) => !now)}
          >
            {shown ? 'Hide' : 'Show'}
          </Button>
        </div>
      )}
    </FormField>
  );
}
