import { useEffect, useState } from 'react';

const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/**
 * "just now", "5 minutes ago", "yesterday", "3 weeks ago"; `never` for a missing time. Counts whole units
 * (90 minutes is "1 hour ago"), as people read "last opened".
 */
export function formatRelativeTime(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'never';
  const seconds = (then - now) / 1000;
  const magnitude = Math.abs(seconds);
  if (magnitude < 60) return 'just now';
  for (const [unit, size] of units) {
    if (magnitude >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

/** The current time, refreshed every `intervalMs`, so relative times on screen do not go stale. */
export function useNow(intervalMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
