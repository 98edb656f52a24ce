export { NewProjectPage } from './NewProjectPage';
/** Also used by the project settings page to check a new slug as it is typed, and show the server's refusals. */
export { validateSlug } from './slug';
export { projectFieldErrors } from './projectFieldErrors';
/** Also used by the dashboard to name each project's stack. */
export { useTemplates } from './useTemplates';
