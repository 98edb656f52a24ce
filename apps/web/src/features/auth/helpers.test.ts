import { describe, expect, it } from 'vitest';
import { ApiError } from '../../platform/ApiError';
import { inviteLink } from './AdminSection';
import { signupRestriction } from './AuthPages';
import { describeUserAgent } from './format';
import { orderSessions } from './SessionsSection';

describe('signupRestriction', () => {
  it('tells a closed server from an invite-only one by the 403 message', () => {
    expect(
      signupRestriction(
        new ApiError('forbidden', 'Sign-up is closed on this server; ask an administrator', 403),
      ),
    ).toBe('closed');
    expect(
      signupRestriction(
        new ApiError('forbidden', 'Sign-up needs a valid invite for this email address', 403),
      ),
    ).toBe('invite');
    expect(signupRestriction(new ApiError('conflict', 'exists', 409))).toBeNull();
    expect(signupRestriction(null)).toBeNull();
  });
});

describe('describeUserAgent', () => {
  it('names common browsers and systems', () => {
    expect(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe(
      'Firefox on Linux',
    );
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      ),
    ).toBe('Chrome on macOS');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0',
      ),
    ).toBe('Edge on Windows');
    expect(describeUserAgent('curl/8.5.0')).toBe('curl');
    expect(describeUserAgent(null)).toBe('Unknown device');
  });
});

describe('orderSessions', () => {
  it('puts this device first, then the most recently active', () => {
    const base = {
      createdAt: '2025-01-01T00:00:00Z',
      expiresAt: '2026-01-01T00:00:00Z',
      userAgent: null,
      ip: null,
    };
    const sessions = [
      { ...base, id: 'a', lastSeenAt: '2025-01-02T00:00:00Z', current: false },
      { ...base, id: 'b', lastSeenAt: '2025-01-01T00:00:00Z', current: true },
      { ...base, id: 'c', lastSeenAt: '2025-01-03T00:00:00Z', current: false },
    ];
    expect(orderSessions(sessions).map((s) => s.id)).toEqual(['b', 'c', 'a']);
  });
});

describe('inviteLink', () => {
  it('fills the sign-up page with the code and the address', () => {
    expect(inviteLink('http://localhost:4000', 'a+b@example.com', 'tok/en')).toBe(
      'http://localhost:4000/signup?invite=tok%2Fen&email=a%2Bb%40example.com',
    );
  });
});
