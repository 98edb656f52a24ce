import { formatKeybinding } from '../../platform/commands';

const hints: [label: string, keybinding: string][] = [
  ['Show All Commands', 'Mod+Shift+P'],
  ['Go to File', 'Mod+P'],
  ['Find in Files', 'Mod+Shift+F'],
  ['Save', 'Mod+S'],
];

/** VS Code's empty editor area: the shortcuts to get going. */
export function Watermark() {
  return (
    <div className="editor-watermark" role="region" aria-label="No editor open">
      <dl>
        {hints.map(([label, key]) => (
          <div key={label} className="editor-watermark-row">
            <dt>{label}</dt>
            <dd>
              {formatKeybinding(key)
                .split('+')
                .map((part, index) => (
                  <kbd key={index}>{part}</kbd>
                ))}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
