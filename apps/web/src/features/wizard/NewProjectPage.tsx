import {
  ProjectSchema,
  TemplateListSchema,
  type CreateProjectBody,
  type Project,
  type TemplateSummary,
  type Visibility,
} from '@vaporform/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { api } from '../../platform/api';
import { ApiError } from '../../platform/ApiError';
import { queryKeys } from '../../platform/queryKeys';
import { Button } from '../../ui/Button';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { AccountMenu, FormField } from '../auth';
import { CreationProgress } from './CreationProgress';
import { slugFromName, validateSlug } from './slug';
import { TemplatePicker } from './TemplatePicker';
import './wizard.css';

/** The "Describe your app" prompt for the AI agent; shown once the agent can generate a project. */
export const AI_GENERATION_ENABLED = false;

type FieldErrors = Partial<Record<'name' | 'slug' | 'description' | 'templateId' | 'prompt', string>>;

/** The server's validation issues (`body.slug`) and a taken slug (409) by field. */
function serverFieldErrors(error: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!(error instanceof ApiError)) return errors;
  for (const issue of error.issues) {
    const field = issue.path.replace(/^body\.?/, '') as keyof FieldErrors;
    if (field && errors[field] === undefined) errors[field] = issue.message;
  }
  if (error.code === 'conflict' && /slug/i.test(error.message)) errors.slug = error.message;
  return errors;
}

/** The first template that installs offline, so a fresh server's default choice always works. */
export function defaultTemplate(templates: readonly TemplateSummary[]): string | null {
  return (templates.find((template) => !template.needsNetwork) ?? templates[0])?.id ?? null;
}

function TemplateSkeleton() {
  return (
    <div className="wizard-templates" aria-hidden="true">
      {[0, 1, 2].map((i) => (
        <div key={i} className="wizard-template wizard-skeleton" />
      ))}
    </div>
  );
}

export function NewProjectPage() {
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const templates = useQuery({
    queryKey: queryKeys.templates,
    queryFn: () => api('/api/templates', { schema: TemplateListSchema }),
    staleTime: Infinity,
  });
  const [chosen, setChosen] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [description, setDescription] = useState('');
  const [prompt, setPrompt] = useState('');
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const create = useMutation({
    mutationFn: (body: CreateProjectBody) =>
      api('/api/projects', { method: 'POST', body, schema: ProjectSchema }),
    onSuccess: (project: Project) => {
      client.setQueryData(queryKeys.project(project.id), project);
      void client.invalidateQueries({ queryKey: queryKeys.projects, exact: true });
    },
  });

  if (create.data) {
    return (
      <WizardFrame>
        <CreationProgress project={create.data} />
      </WizardFrame>
    );
  }

  const templateId = chosen ?? defaultTemplate(templates.data ?? []);
  const slugProblem = validateSlug(slug);
  const errors: FieldErrors = {
    ...serverFieldErrors(create.error),
    ...localErrors,
    ...(slugProblem ? { slug: slugProblem } : {}),
  };
  const fieldsShown =
    create.error instanceof ApiError && Object.keys(serverFieldErrors(create.error)).length > 0;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    if (!templateId) problems.templateId = 'Choose a template';
    if (name.trim() === '') problems.name = 'Name your project';
    else if (name.trim().length > 80) problems.name = 'Use at most 80 characters';
    setLocalErrors(problems);
    const first = (['name', 'slug'] as const).find(
      (field) => problems[field] ?? (field === 'slug' && slugProblem),
    );
    if (first) {
      const control = event.currentTarget.elements.namedItem(first);
      if (control instanceof HTMLElement) control.focus();
    }
    if (Object.keys(problems).length > 0 || slugProblem || !templateId) return;
    create.mutate({
      name: name.trim(),
      templateId,
      visibility,
      ...(slug ? { slug } : {}),
      ...(description.trim() ? { description: description.trim() } : {}),
    });
  };

  const derivedSlug = slug || (name.trim() ? slugFromName(name) : 'your-project');
  return (
    <WizardFrame>
      <form className="wizard-form" onSubmit={submit} noValidate>
        <h1>Create a project</h1>
        <section className="wizard-section" aria-labelledby="wizard-step-template">
          <h2 id="wizard-step-template">
            <span className="wizard-step-number">1</span> Choose a template
          </h2>
          {templates.isPending && <TemplateSkeleton />}
          {templates.error && (
            <div className="wizard-error">
              <ErrorNotice error={templates.error} />
              <Button
                variant="secondary"
                busy={templates.isFetching}
                onClick={() => void templates.refetch()}
              >
                Retry
              </Button>
            </div>
          )}
          {templates.data?.length === 0 && (
            <p className="wizard-note">This server has no templates installed.</p>
          )}
          {templates.data && templates.data.length > 0 && (
            <TemplatePicker
              templates={templates.data}
              selected={templateId}
              onSelect={setChosen}
              labelledBy="wizard-step-template"
            />
          )}
          {errors.templateId && <p className="form-field-error">{errors.templateId}</p>}
        </section>
        <section className="wizard-section" aria-labelledby="wizard-step-details">
          <h2 id="wizard-step-details">
            <span className="wizard-step-number">2</span> Name it
          </h2>
          <div className="wizard-fields">
            <FormField label="Project name" error={errors.name}>
              {(control) => (
                <input
                  {...control}
                  name="name"
                  autoFocus
                  autoComplete="off"
                  maxLength={80}
                  placeholder="My app"
                  value={name}
                  onChange={(event) => setName(event.target.value)}
                />
              )}
            </FormField>
            <FormField
              label="Slug (optional)"
              error={errors.slug}
              hint={
                <>
                  The app's preview address starts with it: <code>{derivedSlug}.preview.…</code>
                  {!slug && ' — derived from the name when left empty.'}
                </>
              }
            >
              {(control) => (
                <input
                  {...control}
                  name="slug"
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={40}
                  placeholder={name.trim() ? slugFromName(name) : 'my-app'}
                  value={slug}
                  onChange={(event) => setSlug(event.target.value.toLowerCase())}
                />
              )}
            </FormField>
          </div>
          <fieldset className="wizard-visibility">
            <legend>Visibility</legend>
            {(
              [
                ['private', 'Private', 'Only members you share it with see the code and the preview.'],
                [
                  'public',
                  'Public',
                  'Anyone with the preview address can use the running app. The code stays private.',
                ],
              ] as const
            ).map(([value, label, help]) => (
              <label key={value} className="wizard-choice" data-checked={visibility === value || undefined}>
                <input
                  type="radio"
                  name="visibility"
                  value={value}
                  checked={visibility === value}
                  onChange={() => setVisibility(value)}
                />
                <span>
                  <strong>{label}</strong>
                  <span className="wizard-choice-help">{help}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <FormField label="Description (optional)" error={errors.description}>
            {(control) => (
              <textarea
                {...control}
                name="description"
                rows={2}
                maxLength={2000}
                value={description}
                onChange={(event) => setDescription(event.target.value)}
              />
            )}
          </FormField>
          {AI_GENERATION_ENABLED && (
            <FormField
              label="Describe your app"
              error={errors.prompt}
              hint="The AI agent builds a first version from this on top of the template."
            >
              {(control) => (
                <textarea
                  {...control}
                  name="prompt"
                  rows={4}
                  value={prompt}
                  onChange={(event) => setPrompt(event.target.value)}
                />
              )}
            </FormField>
          )}
        </section>
        {create.error && !fieldsShown && <ErrorNotice error={create.error} />}
        <div className="wizard-actions">
          <Button variant="secondary" onClick={() => navigate('/')} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" busy={create.isPending} disabled={!templateId}>
            Create project
          </Button>
        </div>
      </form>
    </WizardFrame>
  );
}

function WizardFrame({ children }: { children: ReactNode }) {
  return (
    <div className="wizard-page">
      <header className="wizard-header">
        <Link href="/" className="wizard-brand">
          <span className="wizard-logo" aria-hidden="true">
            V
          </span>
          Vaporform
        </Link>
        <span className="wizard-header-title">New project</span>
        <span className="wizard-header-spacer" />
        <AccountMenu />
      </header>
      <main className="wizard-main">{children}</main>
    </div>
  );
}
