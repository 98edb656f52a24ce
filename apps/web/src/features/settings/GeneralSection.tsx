import { ProjectSchema, type Project, type Visibility } from '@vaporform/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, apiPath } from '../../platform/api';
import { can } from '../../platform/projects';
import { queryKeys } from '../../platform/queryKeys';
import { Button } from '../../ui/Button';
import { ErrorNotice } from '../../ui/ErrorNotice';
import type { FieldErrors } from '../../ui/fieldErrors';
import { FormField } from '../../ui/FormField';
import { InputField } from '../../ui/InputField';
import { RadioCards } from '../../ui/RadioCards';
import { useNotify } from '../../ui/Toasts';
import { projectFieldErrors, validateSlug } from '../wizard';

export interface GeneralValues {
  name: string;
  description: string;
  slug: string;
  visibility: Visibility;
}

/**
 * The PATCH body: only fields the person edited that differ from the project as it is now, so a change
 * someone else saved meanwhile to another field is not overwritten.
 */
export function changedFields(project: GeneralValues, edits: Partial<GeneralValues>): Partial<GeneralValues> {
  const changes: Partial<GeneralValues> = {};
  if (edits.name !== undefined && edits.name.trim() !== project.name) changes.name = edits.name.trim();
  if (edits.description !== undefined && edits.description.trim() !== project.description) {
    changes.description = edits.description.trim();
  }
  if (edits.slug !== undefined && edits.slug !== project.slug) changes.slug = edits.slug;
  if (edits.visibility !== undefined && edits.visibility !== project.visibility)
    changes.visibility = edits.visibility;
  return changes;
}

const visibilities = [
  { value: 'private', label: 'Private', help: 'Only members see the code and the preview.' },
  {
    value: 'public',
    label: 'Public',
    help: 'Anyone with the address can use the running app; the code stays private.',
  },
] as const;

export function GeneralSection({ project }: { project: Project }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [edits, setEdits] = useState<Partial<GeneralValues>>({});
  const canWrite = can(project, 'write');
  const isAdmin = can(project, 'admin');
  const values: GeneralValues = {
    name: edits.name ?? project.name,
    description: edits.description ?? project.description,
    slug: edits.slug ?? project.slug,
    visibility: edits.visibility ?? project.visibility,
  };
  const edit = (change: Partial<GeneralValues>) => setEdits((current) => ({ ...current, ...change }));
  const save = useMutation({
    mutationFn: (body: Partial<GeneralValues>) =>
      api(apiPath('projects', project.id), { method: 'PATCH', body, schema: ProjectSchema }),
    onSuccess: (saved) => {
      client.setQueryData(queryKeys.project(project.id), saved);
      void client.invalidateQueries({ queryKey: queryKeys.projects, exact: true });
      setEdits({});
      notify.info('Project settings saved.');
    },
  });
  const changes = changedFields(project, edits);
  const slugProblem = values.slug === '' ? 'Enter a slug' : validateSlug(values.slug);
  const nameProblem = values.name.trim() === '' ? 'Name your project' : null;
  const errors: FieldErrors = {
    ...projectFieldErrors(save.error),
    ...(nameProblem ? { name: nameProblem } : {}),
    ...(slugProblem ? { slug: slugProblem } : {}),
  };
  const dirty = Object.keys(changes).length > 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!dirty || nameProblem || slugProblem) return;
    save.mutate(changes);
  };

  return (
    <section className="page-section settings-section" aria-labelledby="settings-general">
      <h2 id="settings-general">General</h2>
      {!canWrite && (
        <p className="page-note">You can read this project; ask an admin of it to change these settings.</p>
      )}
      <form className="settings-form" onSubmit={submit} noValidate>
        <InputField
          label="Name"
          error={errors.name}
          name="name"
          maxLength={80}
          disabled={!canWrite}
          value={values.name}
          onValue={(name) => edit({ name })}
        />
        <FormField label="Description" error={errors.description}>
          {(control) => (
            <textarea
              {...control}
              name="description"
              rows={3}
              maxLength={2000}
              disabled={!canWrite}
              value={values.description}
              onChange={(event) => edit({ description: event.target.value })}
            />
          )}
        </FormField>
        <FormField
          label="Slug"
          error={errors.slug}
          hint={
            isAdmin ? (
              <>
                Changing the slug changes the preview URL (<code>{values.slug || '…'}.preview.…</code>); links
                to the old address stop working.
              </>
            ) : (
              'Only admins of the project change the slug.'
            )
          }
        >
          {(control) => (
            <input
              {...control}
              name="slug"
              maxLength={40}
              spellCheck={false}
              autoComplete="off"
              disabled={!isAdmin}
              value={values.slug}
              onChange={(event) => edit({ slug: event.target.value.toLowerCase() })}
            />
          )}
        </FormField>
        <RadioCards
          legend="Visibility"
          name="visibility"
          options={visibilities}
          value={values.visibility}
          onChange={(visibility) => edit({ visibility })}
          disabled={!isAdmin}
          className="settings-visibility"
        >
          {!isAdmin && <p className="settings-help">Only admins of the project change its visibility.</p>}
        </RadioCards>
        {save.error && Object.keys(projectFieldErrors(save.error)).length === 0 && (
          <ErrorNotice error={save.error} />
        )}
        {canWrite && (
          <div className="page-actions settings-actions">
            <Button variant="secondary" disabled={!dirty || save.isPending} onClick={() => setEdits({})}>
              Discard changes
            </Button>
            <Button
              type="submit"
              busy={save.isPending}
              disabled={!dirty || Boolean(nameProblem ?? slugProblem)}
            >
              Save changes
            </Button>
          </div>
        )}
      </form>
    </section>
  );
}
