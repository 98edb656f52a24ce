import { collabColor } from '@vaporform/contracts';
import { describe, expect, it } from 'vitest';
import { presenceOf, safeColor } from './presenceModel';

const me = '00000000-0000-4000-8000-000000000001';
const ada = '00000000-0000-4000-8000-00000000000a';
const bob = '00000000-0000-4000-8000-00000000000b';
const user = (id: string, name: string, color = '#3b82f6') => ({ id, name, color });

describe('presenceOf', () => {
  it('lists everyone else once, with the union of their open files, by name', () => {
    const states = new Map<number, unknown>([
      [1, { user: user(me, 'Mia Me'), openFile: 'src/app.ts' }],
      [2, { user: user(bob, 'Bob'), openFile: 'README.md' }],
      [3, { user: user(ada, 'Ada'), openFile: 'src/app.ts' }],
      // Ada's second tab, and Bob's tab with nothing open.
      [4, { user: user(ada, 'Ada'), openFile: 'src/util.ts' }],
      [5, { user: user(bob, 'Bob'), openFile: null }],
      // My other tab is me too.
      [6, { user: user(me, 'Mia Me'), openFile: 'package.json' }],
    ]);
    const presence = presenceOf(states, { clientId: 1, userId: me });
    expect(presence.online.map((entry) => [entry.name, entry.files])).toEqual([
      ['Ada', ['src/app.ts', 'src/util.ts']],
      ['Bob', ['README.md']],
    ]);
    expect(presence.byFile.get('src/app.ts')?.map((entry) => entry.name)).toEqual(['Ada']);
    expect(presence.byFile.get('README.md')?.map((entry) => entry.name)).toEqual(['Bob']);
    expect(presence.byFile.has('package.json')).toBe(false);
  });

  it('ignores states that do not follow the protocol, and cleans up colours', () => {
    const states = new Map<number, unknown>([
      [2, {}],
      [3, { user: { id: 'not-an-id', name: 'X', color: '#000000' } }],
      [4, { user: { name: 'No id' } }],
      [5, null],
      [6, { user: user(ada, 'Ada', 'red;} body{display:none') }],
    ]);
    const presence = presenceOf(states, { clientId: 1, userId: me });
    expect(presence.online).toEqual([{ id: ada, name: 'Ada', color: collabColor(ada), files: [] }]);
  });

  it('is empty when nobody else is there', () => {
    const states = new Map<number, unknown>([[1, { user: user(me, 'Mia Me') }]]);
    expect(presenceOf(states, { clientId: 1, userId: me }).online).toEqual([]);
  });
});

describe('safeColor', () => {
  it('keeps #rrggbb and replaces anything else with the id colour', () => {
    expect(safeColor('#A1B2C3', ada)).toBe('#a1b2c3');
    expect(safeColor('url(x)', ada)).toBe(collabColor(ada));
  });
});
