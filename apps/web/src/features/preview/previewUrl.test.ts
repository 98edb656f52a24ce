import { describe, expect, it } from 'vitest';
import { iframeCookiesBlocked, originOf, pathWithin, resolvePreviewPath } from './previewUrl';

const origin = 'http://my-app.preview.localhost:4000';

describe('resolvePreviewPath', () => {
  it('takes paths, with or without the leading slash, and keeps query and hash', () => {
    expect(resolvePreviewPath('/about', origin)).toEqual({ path: '/about' });
    expect(resolvePreviewPath('users?id=1#top', origin)).toEqual({ path: '/users?id=1#top' });
    expect(resolvePreviewPath('  ', origin)).toEqual({ path: '/' });
    expect(resolvePreviewPath('/a/../b', origin)).toEqual({ path: '/b' });
  });

  it('takes a full address on the preview origin', () => {
    expect(resolvePreviewPath(`${origin}/api/items?x=1`, origin)).toEqual({ path: '/api/items?x=1' });
  });

  it('refuses anything that would leave the preview origin', () => {
    for (const input of [
      'https://evil.example/',
      '//evil.example/path',
      'http://other.preview.localhost:4000/',
      'http://my-app.preview.localhost:4001/',
      'javascript:alert(1)',
      'data:text/html,hi',
      'localhost:4000/',
    ]) {
      expect(resolvePreviewPath(input, origin)).toHaveProperty('error');
    }
  });
});

describe('preview URLs', () => {
  it('takes the origin of what the server answered', () => {
    expect(originOf(`${origin}/`)).toBe(origin);
    expect(originOf(`${origin}/__vaporform/session?grant=x&path=%2F`)).toBe(origin);
    expect(originOf('javascript:alert(1)')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });

  it('reads the path of a report URL, only on the preview origin', () => {
    expect(pathWithin('/dashboard?tab=2', origin)).toBe('/dashboard?tab=2');
    expect(pathWithin(`${origin}/x#y`, origin)).toBe('/x#y');
    expect(pathWithin('https://elsewhere.example/x', origin)).toBeNull();
  });

  it('warns about iframe cookies on plain http hosts other than localhost', () => {
    expect(iframeCookiesBlocked({ protocol: 'http:', hostname: 'my-app.preview.localhost' })).toBe(false);
    expect(iframeCookiesBlocked({ protocol: 'https:', hostname: 'my-app.preview.example.com' })).toBe(false);
    expect(iframeCookiesBlocked({ protocol: 'http:', hostname: 'my-app.preview.10.0.0.5.nip.io' })).toBe(
      true,
    );
  });
});
