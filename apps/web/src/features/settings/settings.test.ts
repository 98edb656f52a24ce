import type { Member } from '@vaporform/contracts';
import { describe, expect, it } from 'vitest';
import { changedFields, type GeneralValues } from './GeneralSection';
import { orderMembers } from './MembersSection';

const project: GeneralValues = { name: 'Shop', description: 'A shop', slug: 'shop', visibility: 'private' };

describe('changedFields', () => {
  it('sends only edited fields that differ', () => {
    expect(changedFields(project, {})).toEqual({});
    expect(changedFields(project, { name: 'Shop' })).toEqual({});
    expect(changedFields(project, { name: '  Store ' })).toEqual({ name: 'Store' });
    expect(changedFields(project, { slug: 'store', visibility: 'public' })).toEqual({
      slug: 'store',
      visibility: 'public',
    });
    expect(changedFields(project, { description: '' })).toEqual({ description: '' });
  });

  it('does not resend a field someone else changed meanwhile', () => {
    const updatedElsewhere = { ...project, name: 'Renamed by Ann' };
    expect(changedFields(updatedElsewhere, { description: 'Mine' })).toEqual({ description: 'Mine' });
  });
});

describe('orderMembers', () => {
  const member = (userId: string, name: string, isOwner = false): Member => ({
    userId,
    name,
    email: `${userId}@example.com`,
    permission: isOwner ? 'admin' : 'write',
    isOwner,
  });
  it('lists the owner, then me, then the others by name', () => {
    const ordered = orderMembers(
      [member('z', 'Zed'), member('me', 'Mia'), member('o', 'Olga', true), member('a', 'Abe')],
      'me',
    );
    expect(ordered.map((m) => m.userId)).toEqual(['o', 'me', 'a', 'z']);
  });
});
