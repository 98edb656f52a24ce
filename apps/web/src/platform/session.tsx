import { SessionStateSchema, type User } from '@vaporform/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Redirect, useLocation } from 'wouter';
import { api } from './api';
import { closeProjectSocket } from './projectEvents';
import { queryKeys } from './queryKeys';

/** The signed-in user, or null when signed out. */
export function useMe(): { user: User | null | undefined; loading: boolean } {
  const query = useQuery({
    queryKey: queryKeys.me,
    queryFn: async () => (await api('/api/auth/session', { schema: SessionStateSchema })).user,
    staleTime: 60_000,
  });
  return { user: query.data, loading: query.isPending };
}

/** The signed-in user inside `RequireSignedIn`. */
export function useUser(): User {
  const { user } = useMe();
  if (!user) throw new Error('useUser outside RequireSignedIn');
  return user;
}

/** Signs out on the server, forgets every cached answer and closes the project socket. */
export function useSignOut(): () => Promise<void> {
  const client = useQueryClient();
  const [, navigate] = useLocation();
  return async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    closeProjectSocket();
    client.clear();
    client.setQueryData(queryKeys.me, null);
    navigate('/login');
  };
}

/** Renders its children for a signed-in user; sends everyone else to the login page and back afterwards. */
export function RequireSignedIn({ children }: { children: ReactNode }) {
  const { user, loading } = useMe();
  const [location] = useLocation();
  if (loading) return <div className="page-loading" aria-busy="true" />;
  if (!user) return <Redirect to={`/login?next=${encodeURIComponent(location)}`} />;
  return <>{children}</>;
}
