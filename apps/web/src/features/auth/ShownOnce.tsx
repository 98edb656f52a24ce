import type { ReactNode } from 'react';
import { Button } from '../../ui/Button';
import { CopyField } from './CopyField';

/**
 * A secret the server hands out only once (a new API token, an invite link): what was made, a warning to
 * copy it now, the value with a Copy button, and Done to put it away.
 */
export function ShownOnce({
  title,
  warning,
  label,
  value,
  onDone,
}: {
  title: ReactNode;
  warning: ReactNode;
  label: string;
  value: string;
  onDone: () => void;
}) {
  return (
    <div className="account-token-created" role="status">
      {title}
      <p className="account-warning">{warning}</p>
      <CopyField label={label} value={value} />
      <div className="page-actions">
        <Button variant="secondary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
