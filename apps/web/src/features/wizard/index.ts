export { NewProjectPage } from './NewProjectPage';
/** Also used by the project settings page to check a new slug as it is typed. */
export { validateSlug } from './slug';
