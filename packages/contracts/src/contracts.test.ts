import { describe, expect, it } from 'vitest';
import {
  EmailSchema,
  errorTable,
  permissionIncludes,
  projectPermissions,
  SignupBodySchema,
  slugify,
} from './index.js';

describe('contracts', () => {
  it('orders project permissions so that each includes the ones before', () => {
    expect(projectPermissions).toEqual(['read', 'write', 'execute', 'admin']);
    expect(permissionIncludes('admin', 'execute')).toBe(true);
    expect(permissionIncludes('execute', 'write')).toBe(true);
    expect(permissionIncludes('write', 'execute')).toBe(false);
    expect(permissionIncludes('read', 'write')).toBe(false);
  });

  it('maps every error code to an HTTP error status and a WebSocket close code in the private range', () => {
    for (const [code, entry] of Object.entries(errorTable)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.wsClose === 1003 || entry.wsClose === 1009 || entry.wsClose >= 1011, code).toBe(true);
    }
  });

  it('normalises emails so one person has one account', () => {
    expect(EmailSchema.parse('  Ann@Example.COM ')).toBe('ann@example.com');
    expect(EmailSchema.safeParse('ann').success).toBe(false);
  });

  it('rejects unknown sign-up fields instead of ignoring them', () => {
    const result = SignupBodySchema.safeParse({
      email: 'a@b.co',
      password: 'long enough pw',
      name: 'A',
      role: 'admin',
    });
    expect(result.success).toBe(false);
  });

  it('derives a slug from a project name, never empty or reserved', () => {
    expect(slugify('My Cool App!')).toBe('my-cool-app');
    expect(slugify('Crème brûlée')).toBe('creme-brulee');
    expect(slugify('   ')).toBe('project');
    expect(slugify('Admin')).toBe('project-admin');
    expect(slugify('x'.repeat(50))).toHaveLength(32);
  });
});
