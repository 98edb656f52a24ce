import { describeError } from '../platform/ApiError';

/** An error said plainly, where the failed thing would have been. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div className="error-notice" role="alert">
      {describeError(error)}
    </div>
  );
}
