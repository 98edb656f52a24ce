import { collabColor } from '@vaporform/contracts';
import { describe, expect, it } from 'vitest';
import { cssString, remoteCursorCss, remoteCursorsOf } from './remoteCursorCss';

const ada = '00000000-0000-4000-8000-00000000000a';

describe('cssString', () => {
  it('keeps ordinary names readable', () => {
    expect(cssString('Ada Lovelace')).toBe('"Ada Lovelace"');
    expect(cssString("Zoë O'Brien-Ünal")).toBe('"Zoë O\'Brien-Ünal"');
  });

  it('escapes whatever could end the string, the rule or the style sheet', () => {
    const css = cssString('a"b\\c\nd}</style><script>');
    expect(css).toBe('"a\\22 b\\5c c\\a d\\7d \\3c \\2f style\\3e \\3c script\\3e "');
    // Nothing but the delimiters is a bare quote, backslash-free brace or angle bracket.
    expect(css.slice(1, -1)).not.toMatch(/["{}<>\n]/);
  });

  it('escapes characters beyond the BMP as one code point', () => {
    expect(cssString('🙂')).toBe('"\\1f642 "');
  });
});

describe('remoteCursorCss', () => {
  it('colours and labels each client after its y-monaco class names', () => {
    const css = remoteCursorCss([{ clientId: 42, user: { id: ada, name: 'Ada', color: '#22a06b' } }]);
    expect(css).toContain('.yRemoteSelection.yRemoteSelection-42 { background-color: #22a06b40; }');
    expect(css).toContain('.yRemoteSelectionHead.yRemoteSelectionHead-42 { border-color: #22a06b; }');
    expect(css).toContain(
      '.yRemoteSelectionHead.yRemoteSelectionHead-42::after { content: "Ada"; background-color: #22a06b; }',
    );
  });

  it('never writes a colour it did not check, nor a client id that is not a number', () => {
    const css = remoteCursorCss([
      { clientId: 7, user: { id: ada, name: 'Eve', color: 'red} * {display:none' } },
      { clientId: Number.NaN, user: { id: ada, name: 'X', color: '#000000' } },
      { clientId: -1, user: { id: ada, name: 'Y', color: '#000000' } },
    ]);
    expect(css).toContain(`border-color: ${collabColor(ada)};`);
    expect(css).not.toContain('display:none');
    expect(css.split('\n')).toHaveLength(3);
  });

  it('labels a nameless user', () => {
    expect(remoteCursorCss([{ clientId: 1, user: { id: ada, name: '', color: '#000000' } }])).toContain(
      'content: "Someone"',
    );
  });
});

describe('remoteCursorsOf', () => {
  it('takes every other client that names a user', () => {
    const states = new Map<number, unknown>([
      [1, { user: { id: ada, name: 'Me', color: '#000000' } }],
      [2, { user: { id: ada, name: 'Ada', color: '#000000' }, selection: {} }],
      [3, { selection: {} }],
      [4, { user: { name: 'no id' } }],
    ]);
    expect(remoteCursorsOf(states, 1)).toEqual([
      { clientId: 2, user: { id: ada, name: 'Ada', color: '#000000' } },
    ]);
  });
});
