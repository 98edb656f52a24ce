import type { ReactNode } from 'react';
import { Spinner } from './Spinner';

/** A line saying what is being loaded, with a spinner, where it will show. */
export function Loading({ children }: { children: ReactNode }) {
  return (
    <p className="loading-note">
      <Spinner /> {children}
    </p>
  );
}
