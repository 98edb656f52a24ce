import { Link } from 'wouter';
import { usePreferences, useUpdatePreferences } from '../../platform/preferences';
import { useUser } from '../../platform/session';
import { Page } from '../../ui/Page';
import { AccountMenu } from './AccountMenu';
import { AdminSection } from './AdminSection';
import { formatDate } from './format';
import { initialsOf } from '../../ui/initials';
import { PasswordSection } from './PasswordSection';
import { SessionsSection } from './SessionsSection';
import { TokensSection } from './TokensSection';
import { UserSecretsSection } from './UserSecretsSection';
import './auth.css';

function ProfileSection() {
  const user = useUser();
  return (
    <section className="page-section account-section" aria-labelledby="account-profile">
      <h2 id="account-profile">Profile</h2>
      <div className="account-profile">
        <span className="account-avatar account-avatar-large" aria-hidden="true">
          {initialsOf(user.name)}
        </span>
        <dl className="account-facts">
          <dt>Name</dt>
          <dd>{user.name}</dd>
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Role</dt>
          <dd>{user.role === 'admin' ? 'Administrator of this server' : 'User'}</dd>
          <dt>Member since</dt>
          <dd>{formatDate(user.createdAt)}</dd>
        </dl>
      </div>
    </section>
  );
}

function FontSizeField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: number;
  onChange: (value: number) => void;
}) {
  return (
    <label className="account-pref-row">
      <span>{label}</span>
      <select value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {Array.from({ length: 25 }, (_, i) => i + 8).map((size) => (
          <option key={size} value={size}>
            {size} px
          </option>
        ))}
      </select>
    </label>
  );
}

function PreferencesSection() {
  const preferences = usePreferences();
  const update = useUpdatePreferences();
  return (
    <section className="page-section account-section" aria-labelledby="account-preferences">
      <h2 id="account-preferences">Preferences</h2>
      <p className="page-note">Saved to your account, so they follow you to every browser.</p>
      <fieldset className="account-pref-row account-theme">
        <legend>Theme</legend>
        <div className="account-segmented">
          {(['dark', 'light'] as const).map((theme) => (
            <label key={theme} data-checked={preferences.theme === theme || undefined}>
              <input
                type="radio"
                name="theme"
                value={theme}
                checked={preferences.theme === theme}
                onChange={() => update({ theme })}
              />
              {theme === 'dark' ? 'Dark' : 'Light'}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="account-pref-row account-checkbox">
        <span>Autosave</span>
        <span className="account-checkbox-control">
          <input
            type="checkbox"
            checked={preferences.autosave}
            onChange={(event) => update({ autosave: event.target.checked })}
          />
          Save files shortly after you stop typing
        </span>
      </label>
      <label className="account-pref-row account-checkbox">
        <span>Review AI changes</span>
        <span className="account-checkbox-control">
          <input
            type="checkbox"
            checked={preferences.agentReview}
            onChange={(event) => update({ agentReview: event.target.checked })}
          />
          Hold the agent’s edits as a proposal to accept or reject per file
        </span>
      </label>
      <FontSizeField
        label="Editor font size"
        value={preferences.editorFontSize}
        onChange={(editorFontSize) => update({ editorFontSize })}
      />
      <FontSizeField
        label="Terminal font size"
        value={preferences.terminalFontSize}
        onChange={(terminalFontSize) => update({ terminalFontSize })}
      />
    </section>
  );
}

const sections = [
  ['account-profile', 'Profile'],
  ['account-preferences', 'Preferences'],
  ['account-password', 'Password'],
  ['account-sessions', 'Sessions'],
  ['account-tokens', 'API tokens'],
  ['account-secrets', 'Secrets'],
] as const;

export function AccountPage() {
  const user = useUser();
  return (
    <Page crumbs={<span className="page-crumb-current">Account settings</span>} actions={<AccountMenu />}>
      <div className="page-main account-body">
        <nav className="account-nav" aria-label="Account settings sections">
          <Link href="/" className="account-back">
            ← Your projects
          </Link>
          {sections.map(([id, label]) => (
            <a key={id} href={`#${id}`}>
              {label}
            </a>
          ))}
          {user.role === 'admin' && <a href="#account-admin">Administration</a>}
        </nav>
        <main className="account-main">
          <h1 className="page-title">Account settings</h1>
          <ProfileSection />
          <PreferencesSection />
          <PasswordSection />
          <SessionsSection />
          <TokensSection />
          <UserSecretsSection />
          {user.role === 'admin' && <AdminSection />}
        </main>
      </div>
    </Page>
  );
}
