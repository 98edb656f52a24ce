import type { InputHTMLAttributes, ReactNode } from 'react';

/** A labelled form control; the label wraps the input so clicking it focuses the input. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

export function TextField({ label, ...input }: InputHTMLAttributes<HTMLInputElement> & { label: string }) {
  return (
    <Field label={label}>
      <input {...input} />
    </Field>
  );
}
