import {
  AgentStatusSchema,
  ProjectSchema,
  slugify,
  type CreateProjectBody,
  type Project,
  type TemplateSummary,
  type Visibility,
} from '@vaporform/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { api, apiPath } from '../../platform/api';
import { queryKeys } from '../../platform/queryKeys';
import { Button } from '../../ui/Button';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ErrorRetry } from '../../ui/ErrorRetry';
import { focusFirst, type FieldErrors } from '../../ui/fieldErrors';
import { FormField } from '../../ui/FormField';
import { InputField } from '../../ui/InputField';
import { Page } from '../../ui/Page';
import { RadioCards } from '../../ui/RadioCards';
import { AccountMenu } from '../auth';
import { CreationProgress } from './CreationProgress';
import { projectFieldErrors } from './projectFieldErrors';
import { validateSlug } from './slug';
import { TemplatePicker } from './TemplatePicker';
import { useTemplates } from './useTemplates';
import './wizard.css';

const visibilities = [
  {
    value: 'private',
    label: 'Private',
    help: 'Only members you share it with see the code and the preview.',
  },
  {
    value: 'public',
    label: 'Public',
    help: 'Anyone with the preview address can use the running app. The code stays private.',
  },
] as const;

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

/** The first message to the agent for an app described in the wizard. */
export function generationRequest(wish: string, templateName: string | undefined): string {
  const base = templateName ? `the ${templateName} template this project was created from` : 'this project';
  return `Build this app on top of ${base}. Keep its stack, make it run in the preview, and tell me what you built.\n\n${wish}`;
}

export function NewProjectPage() {
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const templates = useTemplates();
  const [chosen, setChosen] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [description, setDescription] = useState('');
  const [prompt, setPrompt] = useState('');
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  // "Describe your app" is offered only when the server has a model to build it with.
  const agent = useQuery({
    queryKey: queryKeys.agentStatus,
    queryFn: () => api('/api/agent/status', { schema: AgentStatusSchema }),
    staleTime: 60_000,
  });
  const canGenerate = agent.data?.available === true;
  const create = useMutation({
    mutationFn: async (body: CreateProjectBody) => {
      const project = await api('/api/projects', { method: 'POST', body, schema: ProjectSchema });
      const wish = prompt.trim();
      if (canGenerate && wish) {
        // The first turn runs while the container starts; the IDE shows it in the chat.
        await api(apiPath('projects', project.id, 'chat'), {
          method: 'POST',
          body: {
            message: generationRequest(
              wish,
              templates.data?.find((entry) => entry.id === body.templateId)?.name,
            ),
          },
        }).catch(() => undefined);
      }
      return project;
    },
    onSuccess: (project: Project) => {
      client.setQueryData(queryKeys.project(project.id), project);
      void client.invalidateQueries({ queryKey: queryKeys.projects, exact: true });
    },
  });

  if (create.data) {
    return (
      <WizardFrame>
        <CreationProgress project={create.data} generating={canGenerate && prompt.trim() !== ''} />
      </WizardFrame>
    );
  }

  const templateId = chosen ?? defaultTemplate(templates.data ?? []);
  const slugProblem = validateSlug(slug);
  const errors: FieldErrors = {
    ...projectFieldErrors(create.error),
    ...localErrors,
    ...(slugProblem ? { slug: slugProblem } : {}),
  };
  const fieldsShown = Object.keys(projectFieldErrors(create.error)).length > 0;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    if (!templateId) problems.templateId = 'Choose a template';
    if (name.trim() === '') problems.name = 'Name your project';
    else if (name.trim().length > 80) problems.name = 'Use at most 80 characters';
    setLocalErrors(problems);
    focusFirst(
      event.currentTarget,
      (['name', 'slug'] as const).filter((field) => problems[field] ?? (field === 'slug' && slugProblem)),
    );
    if (Object.keys(problems).length > 0 || slugProblem || !templateId) return;
    create.mutate({
      name: name.trim(),
      templateId,
      visibility,
      ...(slug ? { slug } : {}),
      ...(description.trim() ? { description: description.trim() } : {}),
    });
  };

  const derivedSlug = slug || (name.trim() ? slugify(name) : 'your-project');
  return (
    <WizardFrame>
      <form className="wizard-form" onSubmit={submit} noValidate>
        <h1 className="page-title">Create a project</h1>
        <section className="wizard-section" aria-labelledby="wizard-step-template">
          <h2 id="wizard-step-template">
            <span className="wizard-step-number">1</span> Choose a template
          </h2>
          {templates.isPending && <TemplateSkeleton />}
          <ErrorRetry
            error={templates.error}
            busy={templates.isFetching}
            onRetry={() => void templates.refetch()}
          />
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
            <InputField
              label="Project name"
              error={errors.name}
              name="name"
              autoFocus
              autoComplete="off"
              maxLength={80}
              placeholder="My app"
              value={name}
              onValue={setName}
            />
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
                  placeholder={name.trim() ? slugify(name) : 'my-app'}
                  value={slug}
                  onChange={(event) => setSlug(event.target.value.toLowerCase())}
                />
              )}
            </FormField>
          </div>
          <RadioCards
            legend="Visibility"
            name="visibility"
            options={visibilities}
            value={visibility}
            onChange={setVisibility}
          />
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
          {canGenerate && (
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
    <Page crumbs={<span className="page-crumb-current">New project</span>} actions={<AccountMenu />}>
      <main className="page-main wizard-main">{children}</main>
    </Page>
  );
}
