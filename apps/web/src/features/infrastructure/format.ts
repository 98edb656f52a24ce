const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `1.5 KiB`; one decimal below 10 of a unit, none above. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** A share of a limit, 0 to 1 (a bar's width); 0 when the limit is unknown. */
export function fraction(used: number, limit: number): number {
  if (!(limit > 0) || !Number.isFinite(used)) return 0;
  return Math.min(1, Math.max(0, used / limit));
}

export interface Sample {
  at: string;
  networkRxBytes: number;
  networkTxBytes: number;
}

/** Bytes per second received and sent between two samples; null without a usable earlier one. */
export function networkRates(previous: Sample | undefined, next: Sample): { rx: number; tx: number } | null {
  if (!previous) return null;
  const seconds = (Date.parse(next.at) - Date.parse(previous.at)) / 1000;
  if (!(seconds > 0)) return null;
  const rx = next.networkRxBytes - previous.networkRxBytes;
  const tx = next.networkTxBytes - previous.networkTxBytes;
  // Counters start again from zero when the container is recreated.
  if (rx < 0 || tx < 0) return null;
  return { rx: rx / seconds, tx: tx / seconds };
}

/** `2026-01-01T10:00:00Z` → "5 min ago" style, for start times. */
export function timeAgo(iso: string, now = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Log text without colour codes (dev servers colour their output even when it goes to a file). */
export function stripAnsi(text: string): string {
  return text.replace(ansi, '');
}

/** `HH:MM:SS` in local time, for log lines; the input as is when it is not a time. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString(undefined, { hour12: false });
}
