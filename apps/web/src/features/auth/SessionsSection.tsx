import { SessionListSchema, type Session } from '@vaporform/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiPath } from '../../platform/api';
import { queryKeys } from '../../platform/queryKeys';
import { useSignOut } from '../../platform/session';
import { Button } from '../../ui/Button';
import { ErrorRetry } from '../../ui/ErrorRetry';
import { Loading } from '../../ui/Loading';
import { useNotify } from '../../ui/Toasts';
import { describeUserAgent, formatDateTime } from './format';

/** The current device first, then the most recently active. */
export function orderSessions(sessions: readonly Session[]): Session[] {
  return [...sessions].sort(
    (a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt),
  );
}

export function SessionsSection() {
  const client = useQueryClient();
  const notify = useNotify();
  const signOut = useSignOut();
  const sessions = useQuery({
    queryKey: queryKeys.sessions,
    queryFn: () => api('/api/auth/sessions', { schema: SessionListSchema }),
  });
  const revoke = useMutation({
    mutationFn: (ids: string[]) =>
      Promise.all(ids.map((id) => api(apiPath('auth', 'sessions', id), { method: 'DELETE' }))),
    onSuccess: (_, ids) =>
      notify.info(ids.length === 1 ? 'Session signed out.' : `${ids.length} sessions signed out.`),
    onError: (error) => notify.error(error),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.sessions }),
  });
  const list = orderSessions(sessions.data ?? []);
  const others = list.filter((session) => !session.current).map((session) => session.id);

  return (
    <section className="page-section account-section" aria-labelledby="account-sessions">
      <div className="account-section-head">
        <h2 id="account-sessions">Sessions</h2>
        {others.length > 0 && (
          <Button
            variant="secondary"
            busy={revoke.isPending && (revoke.variables?.length ?? 0) > 1}
            disabled={revoke.isPending}
            onClick={() => revoke.mutate(others)}
          >
            Sign out other sessions
          </Button>
        )}
      </div>
      <p className="page-note">Browsers signed in to your account. Sign out any you do not recognise.</p>
      {sessions.isPending && <Loading>Loading sessions…</Loading>}
      <ErrorRetry error={sessions.error} onRetry={() => void sessions.refetch()} />
      {sessions.data && (
        <ul className="account-list" aria-label="Sessions">
          {list.map((session) => (
            <li key={session.id} className="account-list-row">
              <div className="account-list-main">
                <span className="account-list-title">
                  {describeUserAgent(session.userAgent)}
                  {session.current && <span className="account-badge account-badge-accent">This device</span>}
                </span>
                <span className="account-list-meta">
                  {session.ip ?? 'Unknown address'} · signed in {formatDateTime(session.createdAt)} · last
                  active {formatDateTime(session.lastSeenAt)}
                </span>
              </div>
              {session.current ? (
                <Button variant="secondary" onClick={() => void signOut()}>
                  Sign out
                </Button>
              ) : (
                <Button
                  variant="secondary"
                  aria-label={`Revoke session ${describeUserAgent(session.userAgent)}, last active ${formatDateTime(session.lastSeenAt)}`}
                  busy={
                    revoke.isPending && revoke.variables?.length === 1 && revoke.variables[0] === session.id
                  }
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate([session.id])}
                >
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
