import type { Project } from '@vaporform/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../platform/ApiError';
import { parseContainerStatus, statusErrorLabel, statusTone } from './containerStatus';
import { stackLabel } from './ProjectCard';
import { formatRelativeTime } from './relativeTime';
import { canDelete, splitProjects } from './splitProjects';

const now = Date.parse('2025-06-15T12:00:00Z');
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

describe('formatRelativeTime', () => {
  it.each([
    [null, 'never'],
    [undefined, 'never'],
    ['not a date', 'never'],
    [ago(5), 'just now'],
    [ago(59), 'just now'],
    [ago(60), '1 minute ago'],
    [ago(5 * 60 + 30), '5 minutes ago'],
    [ago(90 * 60), '1 hour ago'],
    [ago(23 * 3600), '23 hours ago'],
    [ago(30 * 3600), 'yesterday'],
    [ago(3 * 86_400), '3 days ago'],
    [ago(8 * 86_400), 'last week'],
    [ago(20 * 86_400), '2 weeks ago'],
    [ago(65 * 86_400), '2 months ago'],
    [ago(400 * 86_400), 'last year'],
    [ago(-10), 'just now'],
    [ago(-3 * 3600), 'in 3 hours'],
  ])('%s → %s', (iso, expected) => {
    expect(formatRelativeTime(iso, now)).toBe(expected);
  });
});

function project(id: string, ownerId: string, extra: Partial<Project> = {}): Project {
  return {
    id,
    slug: id,
    name: id,
    description: '',
    templateId: 'node-express',
    visibility: 'private',
    ownerId,
    permission: 'admin',
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    lastOpenedAt: null,
    ...extra,
  };
}

describe('splitProjects', () => {
  it('splits by owner and keeps the server order in each part', () => {
    const list = [project('a', 'me'), project('b', 'ann'), project('c', 'me'), project('d', 'bob')];
    const { mine, shared } = splitProjects(list, 'me');
    expect(mine.map((p) => p.id)).toEqual(['a', 'c']);
    expect(shared.map((p) => p.id)).toEqual(['b', 'd']);
  });

  it('handles an empty list', () => {
    expect(splitProjects([], 'me')).toEqual({ mine: [], shared: [] });
  });
});

describe('canDelete', () => {
  it('lets the owner and platform admins delete, not other project admins', () => {
    const p = project('a', 'owner');
    expect(canDelete(p, { id: 'owner', role: 'user' })).toBe(true);
    expect(canDelete(p, { id: 'someone', role: 'admin' })).toBe(true);
    expect(canDelete(p, { id: 'someone', role: 'user' })).toBe(false);
  });
});

describe('container status', () => {
  it('reads container.status payloads', () => {
    expect(parseContainerStatus({ projectId: 'x', status: 'installing', message: 'npm install' })).toEqual({
      status: 'installing',
      message: 'npm install',
    });
    expect(parseContainerStatus({ status: 'running' })).toEqual({ status: 'running', message: null });
    expect(parseContainerStatus({ status: 'exploded' })).toBeNull();
  });

  it('gives each phase a tone', () => {
    expect(statusTone('running')).toBe('ok');
    expect(statusTone('crashed')).toBe('error');
    expect(statusTone('stopped')).toBe('idle');
    expect(statusTone('installing')).toBe('busy');
  });

  it('says when the server has no runtime', () => {
    expect(statusErrorLabel(new ApiError('unavailable', 'no docker', 503))).toBe('No runtime');
    expect(statusErrorLabel(new ApiError('internal', 'x', 500))).toBe('Status unknown');
  });
});

describe('stackLabel', () => {
  it('shows framework and language, or the template id when unknown', () => {
    expect(
      stackLabel(
        {
          id: 'node-express',
          name: 'Node + Express',
          description: 'x',
          language: 'typescript',
          framework: 'Express',
          stack: 'node',
          port: 3000,
          needsNetwork: false,
        },
        'node-express',
      ),
    ).toBe('Express · TypeScript');
    expect(stackLabel(undefined, 'gone-template')).toBe('gone-template');
  });
});
