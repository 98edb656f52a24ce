import { defaultPreferences, PreferencesSchema, type Preferences } from '@vaporform/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from './api';
import { queryKeys } from './queryKeys';

/** The caller's IDE settings; defaults until the server has answered. */
export function usePreferences(): Preferences {
  const query = useQuery({
    queryKey: queryKeys.preferences,
    queryFn: () => api('/api/auth/preferences', { schema: PreferencesSchema }),
    staleTime: Infinity,
  });
  return query.data ?? defaultPreferences;
}

/** Changes some settings at once in the UI, then saves the whole record. */
export function useUpdatePreferences(): (change: Partial<Preferences>) => void {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: (next: Preferences) =>
      api('/api/auth/preferences', { method: 'PUT', body: next, schema: PreferencesSchema }),
    onSuccess: (saved) => client.setQueryData(queryKeys.preferences, saved),
    // The change was shown before it was saved: show what the server kept instead of what it refused.
    onError: () => void client.invalidateQueries({ queryKey: queryKeys.preferences }),
  });
  return (change) => {
    const current = client.getQueryData<Preferences>(queryKeys.preferences) ?? defaultPreferences;
    const next = { ...current, ...change };
    client.setQueryData(queryKeys.preferences, next);
    mutation.mutate(next);
  };
}

/** Puts the theme on <html> so the CSS variables (and Monaco and xterm, which read them) follow it. */
export function useAppliedTheme(): void {
  const { theme } = usePreferences();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
}
