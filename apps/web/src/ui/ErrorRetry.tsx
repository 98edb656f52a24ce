import { Button } from './Button';
import { ErrorNotice } from './ErrorNotice';

/** A failed load said plainly, with a Retry button beside it; nothing while there is no error. */
export function ErrorRetry({
  error,
  onRetry,
  busy,
}: {
  error: unknown;
  onRetry: () => void;
  /** While the retry runs (the query's `isFetching`). */
  busy?: boolean;
}) {
  if (!error) return null;
  return (
    <div className="error-retry">
      <ErrorNotice error={error} />
      <Button variant="secondary" busy={busy} onClick={onRetry}>
        Retry
      </Button>
    </div>
  );
}
