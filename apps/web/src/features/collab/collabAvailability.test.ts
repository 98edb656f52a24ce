import { describe, expect, it } from 'vitest';
import { availabilityAfter, collabFileStatus, fileMode, retryDue } from './collabAvailability';

describe('availabilityAfter', () => {
  it('is available once the server answered, and stays so through drops', () => {
    expect(availabilityAfter('connecting', 'connected')).toBe('available');
    expect(availabilityAfter('available', 'closed')).toBe('available');
    expect(availabilityAfter('available', 'timeout')).toBe('available');
  });

  it('gives up on a socket that closed or timed out before the server answered', () => {
    expect(availabilityAfter('connecting', 'closed')).toBe('unavailable');
    expect(availabilityAfter('connecting', 'timeout')).toBe('unavailable');
    expect(availabilityAfter('unavailable', 'closed')).toBe('unavailable');
    expect(availabilityAfter('unavailable', 'connected')).toBe('available');
  });
});

describe('fileMode', () => {
  it('binds a file only to a synced document on an answering socket', () => {
    expect(fileMode('available', 'synced')).toBe('collab');
    expect(fileMode('available', 'pending')).toBe('wait');
    expect(fileMode('connecting', 'pending')).toBe('wait');
    expect(fileMode('connecting', 'synced')).toBe('wait');
  });

  it('falls back to the files API when the socket or the document fails', () => {
    expect(fileMode('unavailable', 'pending')).toBe('rest');
    expect(fileMode('unavailable', 'synced')).toBe('rest');
    expect(fileMode('available', 'denied')).toBe('rest');
    expect(fileMode('available', 'timeout')).toBe('rest');
    expect(fileMode('available', 'disposed')).toBe('rest');
  });
});

describe('retryDue', () => {
  it('tries the socket again only after the wait', () => {
    expect(retryDue(1000, 30_999, 30_000)).toBe(false);
    expect(retryDue(1000, 31_000, 30_000)).toBe(true);
  });
});

describe('collabFileStatus', () => {
  it('is offline without a connection, unsynced with unacknowledged changes, else synced', () => {
    expect(collabFileStatus({ connected: false, synced: true, unsyncedChanges: 0 })).toBe('offline');
    expect(collabFileStatus({ connected: true, synced: true, unsyncedChanges: 2 })).toBe('unsynced');
    expect(collabFileStatus({ connected: true, synced: false, unsyncedChanges: 0 })).toBe('unsynced');
    expect(collabFileStatus({ connected: true, synced: true, unsyncedChanges: 0 })).toBe('synced');
  });
});
