import { lazy, Suspense, useMemo } from 'react';
import { Route, Switch } from 'wouter';
import { AccountPage, LoginPage, SignupPage } from './features/auth';
import { DashboardPage } from './features/dashboard';
import { CommandPalette } from './features/palette';
import { ProjectSettingsPage } from './features/settings';
import { NewProjectPage } from './features/wizard';
import { CommandRegistry, CommandsContext } from './platform/commands';
import { useAppliedTheme } from './platform/preferences';
import { RequireSignedIn } from './platform/session';
import { ToastProvider } from './ui/Toasts';

// The workbench brings Monaco and xterm; the sign-in page and the dashboard should not wait for them.
const WorkbenchPage = lazy(() => import('./features/workbench'));

function SignedIn({ children }: { children: React.ReactNode }) {
  useAppliedTheme();
  return <RequireSignedIn>{children}</RequireSignedIn>;
}

export function App() {
  const commands = useMemo(() => new CommandRegistry(), []);
  return (
    <CommandsContext.Provider value={commands}>
      <ToastProvider>
        <CommandPalette />
        <Suspense fallback={<div className="page-loading" aria-busy="true" />}>
          <Switch>
            <Route path="/login">
              <LoginPage />
            </Route>
            <Route path="/signup">
              <SignupPage />
            </Route>
            <Route path="/account">
              <SignedIn>
                <AccountPage />
              </SignedIn>
            </Route>
            <Route path="/new">
              <SignedIn>
                <NewProjectPage />
              </SignedIn>
            </Route>
            <Route path="/projects/:id/settings">
              {(params) => (
                <SignedIn>
                  <ProjectSettingsPage projectId={params.id} />
                </SignedIn>
              )}
            </Route>
            <Route path="/projects/:id">
              {(params) => (
                <SignedIn>
                  <WorkbenchPage projectId={params.id} />
                </SignedIn>
              )}
            </Route>
            <Route path="/">
              <SignedIn>
                <DashboardPage />
              </SignedIn>
            </Route>
            <Route>
              <div className="not-found">
                <h1>Page not found</h1>
                <a href="/">Back to your projects</a>
              </div>
            </Route>
          </Switch>
        </Suspense>
      </ToastProvider>
    </CommandsContext.Provider>
  );
}
