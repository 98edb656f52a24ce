import {
  EmailSchema,
  PasswordSchema,
  UserResponseSchema,
  type LoginBody,
  type SignupBody,
  type User,
} from '@vaporform/contracts';
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, Redirect, useLocation, useSearch } from 'wouter';
import { api } from '../../platform/api';
import { ApiError } from '../../platform/ApiError';
import { queryKeys } from '../../platform/queryKeys';
import { useMe } from '../../platform/session';
import { Button } from '../../ui/Button';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { fieldErrorsFrom, onlyFieldProblems, type FieldErrors } from './fieldErrors';
import { FormField } from './FormField';
import { nextPathFrom, withNext } from './nextPath';
import './auth.css';

/** Someone else may have used this tab before: forget their answers, keep the new user without a refetch. */
function signedIn(client: QueryClient, user: User): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.me[0] });
  client.setQueryData(queryKeys.me, user);
}

function AuthLayout({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="auth-brand" aria-hidden="true">
          <span className="auth-logo">V</span> Vaporform
        </div>
        <h1>{title}</h1>
        {children}
        <p className="auth-footer">{footer}</p>
      </div>
    </main>
  );
}

/** Focuses the first control the form marked invalid, so keyboard users land on what to fix. */
function focusFirst(form: HTMLFormElement, names: string[]): void {
  for (const name of names) {
    const control = form.elements.namedItem(name);
    if (control instanceof HTMLElement) {
      control.focus();
      return;
    }
  }
}

function emailProblem(email: string): string | undefined {
  if (email.trim() === '') return 'Enter your email address';
  return EmailSchema.safeParse(email).success
    ? undefined
    : 'Enter a valid email address, like ann@example.com';
}

export function LoginPage() {
  const search = useSearch();
  const next = nextPathFrom(search);
  const { user } = useMe();
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const [email, setEmail] = useState(() => new URLSearchParams(search).get('email') ?? '');
  const [password, setPassword] = useState('');
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const login = useMutation({
    mutationFn: (body: LoginBody) =>
      api('/api/auth/login', { method: 'POST', body, schema: UserResponseSchema }),
    onSuccess: ({ user: signedInUser }) => {
      signedIn(client, signedInUser);
      navigate(next, { replace: true });
    },
  });

  if (user && login.isIdle) return <Redirect to={next} replace />;

  const errors: FieldErrors = { ...fieldErrorsFrom(login.error), ...localErrors };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    const emailError = emailProblem(email);
    if (emailError) problems.email = emailError;
    if (password === '') problems.password = 'Enter your password';
    setLocalErrors(problems);
    const invalid = Object.keys(problems);
    if (invalid.length > 0) {
      focusFirst(event.currentTarget, invalid);
      return;
    }
    login.mutate({ email, password });
  };

  return (
    <AuthLayout
      title="Log in to Vaporform"
      footer={
        <>
          New here? <Link href={withNext('/signup', next)}>Create an account</Link>
        </>
      }
    >
      <form className="auth-form" onSubmit={submit} noValidate>
        <FormField label="Email" error={errors.email}>
          {(control) => (
            <input
              {...control}
              name="email"
              type="email"
              autoComplete="email"
              autoFocus
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </FormField>
        <FormField label="Password" error={errors.password}>
          {(control) => (
            <input
              {...control}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </FormField>
        {login.error && !onlyFieldProblems(login.error, ['email', 'password']) && (
          <ErrorNotice error={login.error} />
        )}
        <Button type="submit" busy={login.isPending} className="auth-submit">
          Log in
        </Button>
      </form>
    </AuthLayout>
  );
}

type Restriction = 'closed' | 'invite' | null;

/**
 * The server refuses a sign-up it does not accept with 403 `forbidden`; the message says whether an invite
 * would help. (There is no code for the difference, so the message is the only hint.)
 */
export function signupRestriction(error: unknown): Restriction {
  if (!(error instanceof ApiError) || error.code !== 'forbidden') return null;
  return /invite/i.test(error.message) ? 'invite' : 'closed';
}

export function SignupPage() {
  const search = useSearch();
  const params = new URLSearchParams(search);
  const next = nextPathFrom(search);
  const inviteFromUrl = params.get('invite') ?? '';
  const { user } = useMe();
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState(() => params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [inviteToken, setInviteToken] = useState(inviteFromUrl);
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const signup = useMutation({
    mutationFn: (body: SignupBody) =>
      api('/api/auth/signup', { method: 'POST', body, schema: UserResponseSchema }),
    onSuccess: ({ user: signedInUser }) => {
      signedIn(client, signedInUser);
      navigate(next, { replace: true });
    },
  });

  if (user && signup.isIdle) return <Redirect to={next} replace />;

  const restriction = signupRestriction(signup.error);
  const showInvite = inviteFromUrl !== '' || inviteToken !== '' || restriction === 'invite';
  const errors: FieldErrors = { ...fieldErrorsFrom(signup.error), ...localErrors };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    if (name.trim() === '') problems.name = 'Enter your name';
    else if (name.trim().length > 100) problems.name = 'Use at most 100 characters';
    const emailError = emailProblem(email);
    if (emailError) problems.email = emailError;
    const passwordCheck = PasswordSchema.safeParse(password);
    if (!passwordCheck.success)
      problems.password = passwordCheck.error.issues[0]?.message ?? 'Choose another password';
    setLocalErrors(problems);
    const invalid = Object.keys(problems);
    if (invalid.length > 0) {
      focusFirst(event.currentTarget, invalid);
      return;
    }
    const token = inviteToken.trim();
    signup.mutate({ name: name.trim(), email, password, ...(token ? { inviteToken: token } : {}) });
  };

  return (
    <AuthLayout
      title="Create your account"
      footer={
        <>
          Already have an account? <Link href={withNext('/login', next)}>Log in</Link>
        </>
      }
    >
      {restriction === 'closed' && (
        <div className="auth-restricted" role="alert">
          <strong>Sign-up is closed on this server.</strong>
          <p>
            New accounts are not accepted right now. Ask an administrator of this Vaporform to create an
            invite for you, or log in if you already have an account.
          </p>
        </div>
      )}
      {restriction === 'invite' && (
        <div className="auth-restricted" role="alert">
          <strong>This server only accepts invited people.</strong>
          <p>
            Sign up with the email address your invite was sent to and enter the invite code from it. No
            invite? Ask an administrator of this Vaporform for one.
          </p>
        </div>
      )}
      <form className="auth-form" onSubmit={submit} noValidate>
        <FormField label="Name" error={errors.name}>
          {(control) => (
            <input
              {...control}
              name="name"
              autoComplete="name"
              autoFocus
              maxLength={100}
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          )}
        </FormField>
        <FormField label="Email" error={errors.email}>
          {(control) => (
            <input
              {...control}
              name="email"
              type="email"
              autoComplete="email"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </FormField>
        <FormField
          label="Password"
          error={errors.password}
          hint="At least 10 characters. A few unrelated words work well."
        >
          {(control) => (
            <input
              {...control}
              name="password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </FormField>
        {showInvite && (
          <FormField label="Invite code" error={errors.inviteToken}>
            {(control) => (
              <input
                {...control}
                name="inviteToken"
                autoComplete="off"
                spellCheck={false}
                value={inviteToken}
                onChange={(event) => setInviteToken(event.target.value)}
              />
            )}
          </FormField>
        )}
        {signup.error &&
          restriction === null &&
          !onlyFieldProblems(signup.error, ['name', 'email', 'password', 'inviteToken']) && (
            <ErrorNotice error={signup.error} />
          )}
        {restriction !== null && <p className="auth-server-said">The server said: {signup.error?.message}</p>}
        <Button type="submit" busy={signup.isPending} className="auth-submit">
          Sign up
        </Button>
      </form>
    </AuthLayout>
  );
}
