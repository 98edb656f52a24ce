import { describe, expect, it } from 'vitest';
import { nextPathFrom, safeNextPath, withNext } from './nextPath';

describe('safeNextPath', () => {
  it.each([
    ['/projects/abc', '/projects/abc'],
    ['/projects/abc/settings?tab=members#x', '/projects/abc/settings?tab=members#x'],
    ['/', '/'],
    ['/new', '/new'],
  ])('keeps the same-origin path %s', (raw, expected) => {
    expect(safeNextPath(raw)).toBe(expected);
  });

  it.each([
    [null],
    [undefined],
    [''],
    ['projects/abc'],
    ['//evil.test/path'],
    ['/\\evil.test'],
    ['https://evil.test/'],
    ['javascript:alert(1)'],
    ['/\t/evil.test'],
    ['/\n/evil.test'],
    ['\\\\evil.test'],
  ])('refuses %j and goes home', (raw) => {
    expect(safeNextPath(raw)).toBe('/');
  });

  it('does not send a person back to a sign-in page', () => {
    expect(safeNextPath('/login?next=/x')).toBe('/');
    expect(safeNextPath('/signup')).toBe('/');
  });

  it('normalises dot segments without leaving the site', () => {
    expect(safeNextPath('/a/../projects/1')).toBe('/projects/1');
    expect(safeNextPath('/..//evil.test')).toBe('/');
    expect(safeNextPath('/././/evil.test')).toBe('/');
  });
});

describe('nextPathFrom', () => {
  it('reads and decodes ?next=', () => {
    expect(nextPathFrom('?next=%2Fprojects%2F1%3Fa%3D1')).toBe('/projects/1?a=1');
    expect(nextPathFrom('next=%2F%2Fevil.test')).toBe('/');
    expect(nextPathFrom('')).toBe('/');
  });
});

describe('withNext', () => {
  it('links between the sign-in pages keeping the destination', () => {
    expect(withNext('/signup', '/')).toBe('/signup');
    expect(withNext('/login', '/projects/1')).toBe('/login?next=%2Fprojects%2F1');
  });
});
