import type { ReactNode } from 'react';
import { Spinner } from '../../ui/Spinner';

/** What shows in place of an editor: a notice, a failure (`alert`), or a spinner while it loads. */
export function EditorMessage({ alert = false, children }: { alert?: boolean; children: ReactNode }) {
  return (
    <div className="editor-message" role={alert ? 'alert' : undefined}>
      {children}
    </div>
  );
}

export function EditorLoading({ label }: { label: string }) {
  return (
    <div className="editor-message" aria-busy="true">
      <Spinner label={label} />
    </div>
  );
}
