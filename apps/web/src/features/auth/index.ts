export { AccountMenu } from './AccountMenu';
export { AccountPage } from './AccountPage';
export { LoginPage, SignupPage } from './AuthPages';
/** Shared with the other page features (dashboard, wizard, settings); a candidate for `ui/`. */
export { FormField, sentence, type ControlProps } from './FormField';
