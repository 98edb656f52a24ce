import { initialsOf } from '../../ui/initials';
import type { PresenceUser } from './presenceModel';

const maxDots = 3;

/** Small coloured initials beside a file in the explorer: who else has it open. */
export function PresenceDots({ users }: { users: readonly PresenceUser[] | undefined }) {
  if (!users || users.length === 0) return null;
  const names = users.map((user) => user.name).join(', ');
  return (
    <span className="presence-dots" role="img" aria-label={`Open by ${names}`} title={`Open by ${names}`}>
      {users.slice(0, maxDots).map((user) => (
        <span
          key={user.id}
          className="presence-dot"
          style={{ backgroundColor: user.color }}
          data-user-id={user.id}
          aria-hidden="true"
        >
          {initialsOf(user.name).slice(0, 1)}
        </span>
      ))}
      {users.length > maxDots && (
        <span className="presence-dot presence-more" aria-hidden="true">
          +{users.length - maxDots}
        </span>
      )}
    </span>
  );
}
