import { describe, expect, it } from 'vitest';
import { clockTime, formatBytes, fraction, networkRates, stripAnsi, timeAgo } from './format';

describe('format', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(512 * 1024 * 1024)).toBe('512 MiB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2.0 GiB');
    expect(formatBytes(-1)).toBe('–');
  });

  it('clamps bar fractions', () => {
    expect(fraction(50, 200)).toBe(0.25);
    expect(fraction(300, 200)).toBe(1);
    expect(fraction(5, 0)).toBe(0);
  });

  it('computes network rates between samples, not across a counter reset', () => {
    const first = { at: '2026-01-01T00:00:00.000Z', networkRxBytes: 1000, networkTxBytes: 500 };
    const second = { at: '2026-01-01T00:00:02.000Z', networkRxBytes: 5000, networkTxBytes: 900 };
    expect(networkRates(undefined, second)).toBeNull();
    expect(networkRates(first, second)).toEqual({ rx: 2000, tx: 200 });
    expect(networkRates(second, { ...first, at: '2026-01-01T00:00:04.000Z' })).toBeNull();
    expect(networkRates(second, second)).toBeNull();
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(timeAgo('2026-01-01T11:59:30Z', now)).toBe('30 s ago');
    expect(timeAgo('2026-01-01T11:00:00Z', now)).toBe('1 h ago');
    expect(timeAgo('2026-01-01T06:00:00Z', now)).toBe('6 h ago');
    expect(timeAgo('not a date', now)).toBe('not a date');
  });

  it('strips colour codes from log text', () => {
    expect(stripAnsi('\x1b[32m  VITE v8\x1b[39m ready')).toBe('  VITE v8 ready');
    expect(clockTime('nope')).toBe('nope');
  });
});
