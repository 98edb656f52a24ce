import { describe, expect, it } from 'vitest';
import { relativeTime, summaryOf } from './relativeTime';

const now = Date.parse('2026-03-10T12:00:00Z');
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

describe('checkpoint times and messages', () => {
  it.each([
    [10, 'just now'],
    [50, '1 minute ago'],
    [5 * 60, '5 minutes ago'],
    [3 * 3600, '3 hours ago'],
    [26 * 3600, 'yesterday'],
    [3 * 24 * 3600, '3 days ago'],
    [15 * 24 * 3600, '2 weeks ago'],
    [400 * 24 * 3600, 'last year'],
  ])('%i seconds ago reads "%s"', (seconds, text) => {
    expect(relativeTime(ago(seconds), now, 'en')).toBe(text);
  });

  it('survives bad dates', () => {
    expect(relativeTime('not a date', now)).toBe('');
  });

  it('splits a message into its title and body', () => {
    expect(summaryOf('Second\n\nwith a body')).toEqual({ title: 'Second', body: 'with a body' });
    expect(summaryOf('')).toEqual({ title: 'Checkpoint', body: '' });
  });
});
