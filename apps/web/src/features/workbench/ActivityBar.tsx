import { formatKeybinding } from '../../platform/commands';
import { Icon } from '../../ui/Icon';
import type { SidebarView } from './workbenchLayout';

const items: { view: SidebarView; title: string; icon: string; keybinding?: string }[] = [
  { view: 'explorer', title: 'Explorer', icon: 'files', keybinding: 'Mod+Shift+E' },
  { view: 'search', title: 'Search', icon: 'search', keybinding: 'Mod+Shift+F' },
  { view: 'checkpoints', title: 'Checkpoints', icon: 'history' },
  { view: 'infrastructure', title: 'Infrastructure', icon: 'server-environment' },
];

export function ActivityBar({
  active,
  onSelect,
}: {
  active: SidebarView | null;
  onSelect: (view: SidebarView) => void;
}) {
  return (
    <nav className="activity-bar" aria-label="Views">
      {items.map((item) => (
        <button
          key={item.view}
          type="button"
          className="activity-item"
          aria-pressed={active === item.view}
          aria-label={item.title}
          title={item.keybinding ? `${item.title} (${formatKeybinding(item.keybinding)})` : item.title}
          onClick={() => onSelect(item.view)}
        >
          <Icon name={item.icon} />
        </button>
      ))}
    </nav>
  );
}
