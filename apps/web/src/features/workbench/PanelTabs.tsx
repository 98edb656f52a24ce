import { IconButton } from '../../ui/Button';
import { Icon } from '../../ui/Icon';

/** The tab strip on top of the bottom panel and the aside. */
export function PanelTabs<T extends string>({
  label,
  tabs,
  active,
  onSelect,
  onClose,
}: {
  label: string;
  tabs: [T, string][];
  active: T;
  onSelect: (tab: T) => void;
  onClose: () => void;
}) {
  return (
    <div className="panel-tabs">
      <div role="tablist" aria-label={label}>
        {tabs.map(([id, title]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={active === id}
            className="panel-tab"
            onClick={() => onSelect(id)}
          >
            {title}
          </button>
        ))}
      </div>
      <IconButton label={`Close ${label.toLowerCase()}`} onClick={onClose}>
        <Icon name="close" />
      </IconButton>
    </div>
  );
}
