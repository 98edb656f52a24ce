import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { describeError } from '../platform/ApiError';

interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

interface Notify {
  info(text: string): void;
  error(error: unknown): void;
}

const NotifyContext = createContext<Notify | null>(null);
let nextId = 1;

/** Short notices in the corner; errors stay longer than information. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((kind: Toast['kind'], text: string) => {
    const id = nextId++;
    setToasts((current) => [...current.slice(-4), { id, kind, text }]);
    setTimeout(
      () => setToasts((current) => current.filter((toast) => toast.id !== id)),
      kind === 'error' ? 8000 : 4000,
    );
  }, []);
  const notify = useMemo<Notify>(
    () => ({ info: (text) => push('info', text), error: (error) => push('error', describeError(error)) }),
    [push],
  );
  return (
    <NotifyContext.Provider value={notify}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className="toast"
            data-kind={toast.kind}
            role={toast.kind === 'error' ? 'alert' : 'status'}
          >
            {toast.text}
          </div>
        ))}
      </div>
    </NotifyContext.Provider>
  );
}

export function useNotify(): Notify {
  const notify = useContext(NotifyContext);
  if (!notify) throw new Error('useNotify outside ToastProvider');
  return notify;
}
