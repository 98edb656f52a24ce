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

  it('masks each line of a long value’s wrapped base64 (`base64` at 76 columns, `openssl base64` at 64)', () => {
    const value = `sk-ant-api03-${'Ab9_x'.repeat(19)}-xyzAA`;
    const mask = secretMask({ ANTHROPIC_API_KEY: value });
    for (const width of [64, 76]) {
      // `printenv` and `echo` add a newline, which changes the last line.
      for (const input of [value, `${value}\n`]) {
        const lines = Buffer.from(input)
          .toString('base64')
          .match(new RegExp(`.{1,${width}}`, 'g'))!;
        expect(lines.length).toBeGreaterThan(1);
        const masked = mask(lines.join('\n')).replaceAll('[secret:ANTHROPIC_API_KEY]', '');
        // What is left is padding and the newline's bits, nothing long enough to carry the value.
        expect(masked, `${width} ${JSON.stringify(input.slice(-1))}`).not.toMatch(/[A-Za-z0-9+/]{5}/);
      }
    }
  });

  it('masks the hex of a value in lower and upper case (`bytes.hex()`, debug dumps)', () => {
    const value = 'sk_live/Äpfel+1';
    const hex = Buffer.from(value, 'utf8').toString('hex');
    const mask = secretMask({ STRIPE_KEY: value });
    expect(mask(`lower ${hex}\r\n`)).toBe('lower [secret:STRIPE_KEY]\r\n');
    expect(mask(`upper 0x${hex.toUpperCase()}`)).toBe('upper 0x[secret:STRIPE_KEY]');
    // A hex string that is not the value's stays.
    expect(mask(hex.slice(2))).toBe(hex.slice(2));
  });

  it('masks the value as each common percent-encoder writes it', () => {
    const value = "p/w+d (it's)*x=y&z";
    const mask = secretMask({ DB_PASSWORD: value });
    const forms = {
      // Python: urllib.parse.quote(v, safe=''), quote(v) (keeps '/'), quote_plus(v).
      strict: 'p%2Fw%2Bd%20%28it%27s%29%2Ax%3Dy%26z',
      path: 'p/w%2Bd%20%28it%27s%29%2Ax%3Dy%26z',
      form: 'p%2Fw%2Bd+%28it%27s%29%2Ax%3Dy%26z',
      searchParams: new URLSearchParams({ v: value }).toString().slice(2),
      uri: encodeURI(value),
    };
    for (const [kind, form] of Object.entries(forms)) {
      expect(mask(`<${form}>`), kind).toBe('<[secret:DB_PASSWORD]>');
    }
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
