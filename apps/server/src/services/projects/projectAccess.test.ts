import { describe, expect, it } from 'vitest';
import type { Principal } from '../../platform/http/policy.js';
import { ProjectAccess } from './projectAccess.js';
import type { ProjectStore } from './store.js';

const projectId = '11111111-1111-4111-8111-111111111111';
const member: Principal = {
  userId: '22222222-2222-4222-8222-222222222222',
  role: 'user',
  email: 'm@example.com',
  name: 'M',
  via: 'session',
  credentialId: 'c',
};

/** A store whose answer the test controls, and whose lookups it can hold until it says so. */
function controlledStore() {
  let permission: 'write' | undefined = 'write';
  let release: () => void = () => undefined;
  let held = false;
  const store = {
    memberPermission: async () => {
      const answer = permission;
      if (held) await new Promise<void>((resolve) => (release = resolve));
      return answer;
    },
    exists: async () => true,
  } as unknown as ProjectStore;
  return {
    store,
    revoke: () => (permission = undefined),
    hold: () => (held = true),
    release: () => {
      held = false;
      release();
    },
  };
}

describe('ProjectAccess', () => {
  it('answers from the cache until the membership changes', async () => {
    const control = controlledStore();
    const access = new ProjectAccess(control.store);
    expect(await access.permissionOf(member, projectId)).toBe('write');
    control.revoke();
    expect(await access.permissionOf(member, projectId)).toBe('write');
    access.forget(projectId, member.userId);
    expect(await access.permissionOf(member, projectId)).toBeNull();
  });

  it('does not keep an answer read before a revocation that landed while it was in flight', async () => {
    const control = controlledStore();
    const access = new ProjectAccess(control.store);
    control.hold();
    const inFlight = access.permissionOf(member, projectId);
    await Promise.resolve();
    control.revoke();
    access.forget(projectId, member.userId);
    control.release();
    expect(await inFlight).toBe('write');
    expect(await access.permissionOf(member, projectId)).toBeNull();
  });
});
