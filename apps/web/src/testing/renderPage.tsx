import type { User } from '@vaporform/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { closeProjectSocket } from '../platform/projectEvents';
import { queryKeys } from '../platform/queryKeys';
import { ToastProvider } from '../ui/Toasts';

/**
 * Renders a page as the app does (queries without retries, toasts, a router at `path`), signed in as `me`
 * when given. `history` is every path the page went to.
 */
export function renderPage(ui: ReactNode, { path, me }: { path: string; me?: User }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  if (me) client.setQueryData(queryKeys.me, me);
  const location = memoryLocation({ path, record: true });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook} searchHook={location.searchHook}>
          {ui}
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { client, history: location.history ?? [] };
}

/** Undoes `renderPage` after each test: unmounts, drops the shared project socket, restores stubbed globals. */
export function cleanUpPage(): void {
  cleanup();
  closeProjectSocket();
  vi.unstubAllGlobals();
}
