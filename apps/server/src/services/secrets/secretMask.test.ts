import { describe, expect, it } from 'vitest';
import { identityMask, secretMask } from './secretMask.js';

describe('secretMask', () => {
  it('replaces every occurrence of a value with its name', () => {
    const mask = secretMask({ API_TOKEN: 'tok-12345' });
    expect(mask('a tok-12345 b tok-12345')).toBe('a [secret:API_TOKEN] b [secret:API_TOKEN]');
    expect(mask('nothing here')).toBe('nothing here');
  });

  it('masks the longest value first, so one containing another is masked whole', () => {
    const mask = secretMask({ SHORT: 'pass', LONG: 'password-1234' });
    expect(mask('password-1234 and pass')).toBe('[secret:LONG] and [secret:SHORT]');
  });

  it('leaves values under four characters alone', () => {
    expect(secretMask({ TINY: 'abc', EMPTY: '' })).toBe(identityMask);
    expect(secretMask({ TINY: 'abc', OK: 'abcd' })('abc abcd')).toBe('abc [secret:OK]');
  });

  it('masks the encodings a program prints a value in', () => {
    const value = 'p@ss w/rd"x';
    const mask = secretMask({ DB_PASSWORD: value });
    const forms = [
      Buffer.from(value).toString('base64'),
      Buffer.from(value).toString('base64url'),
      encodeURIComponent(value),
      JSON.stringify(value).slice(1, -1),
    ];
    for (const form of forms) expect(mask(`<${form}>`)).toBe('<[secret:DB_PASSWORD]>');
    expect(mask(`Authorization: Basic ${Buffer.from(value).toString('base64')}`)).not.toContain(
      Buffer.from(value).toString('base64'),
    );
  });

  it('masks each long line of a multi-line value, as logs and terminals split it', () => {
    const key = '-----BEGIN KEY-----\nAAAABBBBCCCCDDDD\nEEEEFFFFGGGGHHHH\n-----END KEY-----';
    const mask = secretMask({ PRIVATE_KEY: key });
    expect(mask(key)).toBe('[secret:PRIVATE_KEY]');
    expect(mask('line: EEEEFFFFGGGGHHHH\r\n')).toBe('line: [secret:PRIVATE_KEY]\r\n');
  });

  it('is idempotent, even for a value that occurs inside a marker', () => {
    const mask = secretMask({ WORD: 'secret', OTHER: 'zzzz9999' });
    const once = mask('secret zzzz9999');
    expect(once).toBe('[secret:WORD] [secret:OTHER]');
    expect(mask(once)).toBe(once);
  });

  it('treats values as text, not as regular expressions', () => {
    const mask = secretMask({ PATTERN: 'a.b*c(d)' });
    expect(mask('axbbbcd a.b*c(d)')).toBe('axbbbcd [secret:PATTERN]');
  });

  it('gives a value shared by two secrets one of their names', () => {
    expect(secretMask({ A_KEY: 'same-value', B_KEY: 'same-value' })('same-value')).toMatch(
      /^\[secret:[AB]_KEY\]$/,
    );
  });
});
