import type { InputHTMLAttributes, ReactNode } from 'react';
import { FormField } from './FormField';

type InputProps = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'onChange' | 'aria-invalid' | 'aria-describedby'
>;

/** The common FormField: one text-like input, whose typed text goes to `onValue`. */
export function InputField({
  label,
  hint,
  error,
  onValue,
  ...input
}: InputProps & {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  onValue: (value: string) => void;
}) {
  return (
    <FormField label={label} hint={hint} error={error}>
      {(control) => <input {...control} {...input} onChange={(event) => onValue(event.target.value)} />}
    </FormField>
  );
}
