import { SecretEnvironmentSchema, SecretNameSchema, SecretValueSchema } from '@vaporform/contracts';
import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import { Button } from './Button';
import { ErrorNotice } from './ErrorNotice';
import { fieldErrorsFrom, focusFirst, onlyFieldProblems, type FieldErrors } from './fieldErrors';
import { InputField } from './InputField';
import { SecretValueField } from './SecretValueField';
import { useFieldProblems } from './useFieldProblems';
import './secrets.css';

/** What a secret form sends; `environment` only when the form has that field and it was filled in. */
export interface SecretInput {
  name: string;
  value: string;
  environment?: string;
}

function firstProblem(schema: z.ZodType, value: string): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

/** The problems found before sending, with the contract's own messages so that they match the server's. */
export function secretProblems(
  input: { name: string; value: string; environment: string },
  withEnvironment: boolean,
): FieldErrors {
  const problems: FieldErrors = {};
  const name = firstProblem(SecretNameSchema, input.name);
  if (name) problems.name = name;
  // The schema allows an empty value, but an empty secret is nearly always a paste that did not happen.
  const value = input.value === '' ? 'Enter the value' : firstProblem(SecretValueSchema, input.value);
  if (value) problems.value = value;
  const environment =
    withEnvironment && input.environment !== ''
      ? firstProblem(SecretEnvironmentSchema, input.environment)
      : undefined;
  if (environment) problems.environment = environment;
  return problems;
}

/**
 * Sets a secret: a name (or `fixedName` to replace one's value), the value, and for project secrets an
 * optional environment. The value lives here only until `onSave` succeeds; then it is cleared.
 */
export function SecretForm({
  fixedName,
  withEnvironment = false,
  initialEnvironment,
  suggestions = [],
  submitLabel,
  busy,
  error,
  onSave,
  onCancel,
}: {
  /** Replacing that secret's value: no name field. */
  fixedName?: string;
  withEnvironment?: boolean;
  initialEnvironment?: string | null;
  /** Common names offered as one-click fills of the name field. */
  suggestions?: readonly string[];
  submitLabel: string;
  busy: boolean;
  /** The last save's failure, shown beside its field when the server named one. */
  error: unknown;
  /** Resolves once saved; a rejection keeps the typed value so that it can be sent again. */
  onSave: (input: SecretInput) => Promise<unknown>;
  /** Given in a dialog: the buttons go under the fields, with Cancel. */
  onCancel?: () => void;
}) {
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [environment, setEnvironment] = useState(initialEnvironment ?? '');
  // Remounts the value field after a save, so that a value shown for checking is masked again.
  const [saves, setSaves] = useState(0);
  const [localErrors, check] = useFieldProblems();
  const server = fieldErrorsFrom(error);
  const errors: FieldErrors = {
    name: server.name ?? server['params.name'],
    value: server.value,
    environment: server.environment,
    ...localErrors,
  };
  const inline = onCancel === undefined;
  // Where the server may name a problem this form shows beside a field: the name travels in the path.
  const fieldPaths = [
    ...(fixedName === undefined ? ['name', 'params.name'] : []),
    'value',
    ...(withEnvironment ? ['environment'] : []),
  ];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const draft = { name: (fixedName ?? name).trim(), value, environment: environment.trim() };
    if (!check(event.currentTarget, secretProblems(draft, withEnvironment))) return;
    void onSave({
      name: draft.name,
      value: draft.value,
      ...(withEnvironment && draft.environment !== '' ? { environment: draft.environment } : {}),
    }).then(
      () => {
        setValue('');
        setSaves((count) => count + 1);
        if (fixedName === undefined) {
          setName('');
          setEnvironment('');
        }
      },
      () => undefined,
    );
  };

  const fields = (
    <>
      {fixedName === undefined && (
        <InputField
          label="Secret name"
          error={errors.name}
          name="name"
          placeholder="e.g. DATABASE_URL"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={128}
          value={name}
          onValue={setName}
        />
      )}
      <SecretValueField key={saves} label="Value" error={errors.value} value={value} onValue={setValue} />
      {withEnvironment && (
        <InputField
          label="Environment"
          hint="Optional, e.g. production; empty means every environment"
          error={errors.environment}
          name="environment"
          placeholder="every environment"
          autoComplete="off"
          spellCheck={false}
          maxLength={32}
          value={environment}
          onValue={setEnvironment}
        />
      )}
    </>
  );

  return (
    <form className="secret-form" onSubmit={submit} noValidate>
      {fixedName === undefined && suggestions.length > 0 && (
        <div className="secret-suggestions">
          <span>Quick add:</span>
          {suggestions.map((suggestion) => (
            <Button
              key={suggestion}
              variant="secondary"
              onClick={(event) => {
                setName(suggestion);
                const form = event.currentTarget.form;
                if (form) focusFirst(form, ['value']);
              }}
            >
              {suggestion}
            </Button>
          ))}
        </div>
      )}
      {inline ? (
        <div className="secret-form-row">
          {fields}
          <Button type="submit" busy={busy} className="secret-form-submit">
            {submitLabel}
          </Button>
        </div>
      ) : (
        fields
      )}
      {Boolean(error) && !onlyFieldProblems(error, fieldPaths) && <ErrorNotice error={error} />}
      {!inline && (
        <div className="dialog-actions">
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" busy={busy}>
            {submitLabel}
          </Button>
        </div>
      )}
    </form>
  );
}
