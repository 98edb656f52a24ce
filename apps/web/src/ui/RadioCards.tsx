import type { ReactNode } from 'react';

export interface RadioCard<T extends string> {
  value: T;
  label: string;
  help: string;
}

/**
 * A small radio group drawn as cards side by side, each a bold label over a line of help. `children` follow
 * the cards inside the fieldset (a note on why it is disabled, say).
 */
export function RadioCards<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
  disabled,
  className,
  children,
}: {
  legend: string;
  name: string;
  options: readonly RadioCard<T>[];
  value: T;
  onChange: (value: T) => void;
  disabled?: boolean;
  className?: string;
  children?: ReactNode;
}) {
  return (
    <fieldset className={`radio-cards ${className ?? ''}`} disabled={disabled}>
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option.value} className="radio-card" data-checked={value === option.value || undefined}>
          <input
            type="radio"
            name={name}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          <span>
            <strong>{option.label}</strong>
            <span className="radio-card-help">{option.help}</span>
          </span>
        </label>
      ))}
      {children}
    </fieldset>
  );
}
