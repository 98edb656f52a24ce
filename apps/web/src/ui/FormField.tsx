import { useId, type ReactNode } from 'react';

export interface ControlProps {
  id: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
}

/** Capitalises a server or schema message ("must be …") so it reads as a sentence under the field. */
export function sentence(message: string): string {
  return message.length > 0 ? `${message[0]?.toUpperCase() ?? ''}${message.slice(1)}` : message;
}

/**
 * A label, one control, an optional hint and an optional error. The label is tied to the control by `id`
 * (not by wrapping), so the control's accessible name is exactly `label` even while an error shows.
 */
export function FormField({
  label,
  hint,
  error,
  className,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`form-field ${className ?? ''}`} data-invalid={error ? true : undefined}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {error && (
        <p id={errorId} className="form-field-error">
          {sentence(error)}
        </p>
      )}
      {hint && (
        <p id={hintId} className="form-field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}
