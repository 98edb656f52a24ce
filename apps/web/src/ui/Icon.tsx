import '@vscode/codicons/dist/codicon.css';

/** A VS Code codicon by name (https://microsoft.github.io/vscode-codicons/), decorative unless labelled. */
export function Icon({ name, label }: { name: string; label?: string }) {
  return (
    <span
      className={`codicon codicon-${name}`}
      aria-hidden={label === undefined}
      aria-label={label}
      role={label === undefined ? undefined : 'img'}
    />
  );
}
