import { usePresence } from './CollabProvider';
import { initialsOf } from '../../ui/initials';
import type { PresenceUser } from './presenceModel';

const maxAvatars = 5;

function describe(user: PresenceUser): string {
  return user.files.length > 0 ? `${user.name} — ${user.files.join(', ')}` : user.name;
}

/** The status bar's avatars of everyone else in the project right now, names and files on hover. */
export function PresenceList() {
  const { online } = usePresence();
  if (online.length === 0) return null;
  const hidden = online.slice(maxAvatars);
  return (
    <ul className="presence-list" aria-label="Online">
      {online.slice(0, maxAvatars).map((user) => (
        <li
          key={user.id}
          className="presence-avatar"
          style={{ backgroundColor: user.color }}
          title={describe(user)}
          data-user-id={user.id}
        >
          <span aria-hidden="true">{initialsOf(user.name)}</span>
          <span className="visually-hidden">{user.name}</span>
        </li>
      ))}
      {hidden.length > 0 && (
        <li className="presence-avatar presence-more" title={hidden.map(describe).join('\n')}>
          +{hidden.length}
          <span className="visually-hidden"> more: {hidden.map((user) => user.name).join(', ')}</span>
        </li>
      )}
    </ul>
  );
}
