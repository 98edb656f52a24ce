import { EmailSchema, PasswordSchema, type LoginBody, type SignupBody } from '@vaporform/contracts';
import { useState, type ReactNode } from 'react';
import { Link, Redirect } from 'wouter';
import { ApiError } from '../../platform/ApiError';
import { Button } from '../../ui/Button';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { onlyFieldProblems, type FieldErrors } from '../../ui/fieldErrors';
import { InputField } from '../../ui/InputField';
import { BrandLogo } from '../../ui/Page';
import { withNext } from './nextPath';
import { useAuthForm } from './useAuthForm';
import './auth.css';

function AuthLayout({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="auth-brand" aria-hidden="true">
          <BrandLogo /> Vaporform
        </div>
        <h1>{title}</h1>
        {children}
        <p className="auth-footer">{footer}</p>
      </div>
    </main>
  );
}

/** The email field of both forms, with the check both make before sending. */
function EmailField(props: {
  error: string | undefined;
  value: string;
  onValue: (value: string) => void;
  autoFocus?: boolean;
}) {
  return <InputField label="Email" name="email" type="email" autoComplete="email" {...props} />;
}

function emailProblem(email: string): string | undefined {
  if (email.trim() === '') return 'Enter your email address';
  return EmailSchema.safeParse(email).success
    ? undefined
    : 'Enter a valid email address, like ann@example.com';
}

export function LoginPage() {
  const {
    search,
    next,
    signedInBefore,
    request: login,
    errors,
    submit,
  } = useAuthForm<LoginBody>('/api/auth/login');
  const [email, setEmail] = useState(() => new URLSearchParams(search).get('email') ?? '');
  const [password, setPassword] = useState('');

  if (signedInBefore) return <Redirect to={next} replace />;

  const problems = (): FieldErrors => {
    const found: FieldErrors = {};
    const emailError = emailProblem(email);
    if (emailError) found.email = emailError;
    if (password === '') found.password = 'Enter your password';
    return found;
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
      <form
        className="auth-form"
        onSubmit={(event) => submit(event, problems(), () => ({ email, password }))}
        noValidate
      >
        <EmailField error={errors.email} value={email} onValue={setEmail} autoFocus />
        <InputField
          label="Password"
          error={errors.password}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
        />
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
  const {
    search,
    next,
    signedInBefore,
    request: signup,
    errors,
    submit,
  } = useAuthForm<SignupBody>('/api/auth/signup');
  const params = new URLSearchParams(search);
  const inviteFromUrl = params.get('invite') ?? '';
  const [name, setName] = useState('');
  const [email, setEmail] = useState(() => params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [inviteToken, setInviteToken] = useState(inviteFromUrl);

  if (signedInBefore) return <Redirect to={next} replace />;

  const restriction = signupRestriction(signup.error);
  const showInvite = inviteFromUrl !== '' || inviteToken !== '' || restriction === 'invite';
  const problems = (): FieldErrors => {
    const found: FieldErrors = {};
    if (name.trim() === '') found.name = 'Enter your name';
    else if (name.trim().length > 100) found.name = 'Use at most 100 characters';
    const emailError = emailProblem(email);
    if (emailError) found.email = emailError;
    const passwordCheck = PasswordSchema.safeParse(password);
    if (!passwordCheck.success)
      found.password = passwordCheck.error.issues[0]?.message ?? 'Choose another password';
    return found;
  };
  const body = (): SignupBody => {
    const token = inviteToken.trim();
    return { name: name.trim(), email, password, ...(token ? { inviteToken: token } : {}) };
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
      <form className="auth-form" onSubmit={(event) => submit(event, problems(), body)} noValidate>
        <InputField
          label="Name"
          error={errors.name}
          name="name"
          autoComplete="name"
          autoFocus
          maxLength={100}
          value={name}
          onValue={setName}
        />
        <EmailField error={errors.email} value={email} onValue={setEmail} />
        <InputField
          label="Password"
          error={errors.password}
          hint="At least 10 characters. A few unrelated words work well."
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onValue={setPassword}
        />
        {showInvite && (
          <InputField
            label="Invite code"
            error={errors.inviteToken}
            name="inviteToken"
            autoComplete="off"
            spellCheck={false}
            value={inviteToken}
            onValue={setInviteToken}
          />
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
