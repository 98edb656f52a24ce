export { AccountMenu } from './AccountMenu';
export { AccountPage } from './AccountPage';
export { LoginPage, SignupPage } from './AuthPages';
