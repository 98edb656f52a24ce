/** The container's last log lines, which usually say why it crashed, as the log printed them. */
export function LastLogLines({ lines, className }: { lines: readonly string[]; className: string }) {
  return (
    <pre className={`log-lines ${className}`} aria-label="Last log lines">
      {lines.join('\n')}
    </pre>
  );
}
