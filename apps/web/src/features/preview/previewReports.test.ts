// @vitest-environment happy-dom
import type { PreviewReport } from '@vaporform/contracts';
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import {
  isProblem,
  previewReports,
  PreviewReportsStore,
  reportFromMessage,
  usePreviewReports,
} from './previewReports';

const origin = 'http://my-app.preview.localhost:4000';

const report = (message: string, kind: PreviewReport['kind'] = 'error'): PreviewReport => ({
  source: 'vaporform-preview',
  kind,
  message,
  url: '/',
  at: 1_767_225_600_000,
});

describe('reportFromMessage', () => {
  const frameWindow = { name: 'the preview iframe' };
  const expected = { origin, source: frameWindow };

  it('accepts a well-formed report from the preview iframe on the project’s preview origin', () => {
    const data = { ...report('boom'), stack: 'Error: boom\n    at main.js:1:1', line: 1, column: 1 };
    expect(reportFromMessage({ origin, source: frameWindow, data }, expected)).toEqual(data);
  });

  it('ignores other origins, even a sibling preview or the IDE itself', () => {
    for (const other of [
      'http://other.preview.localhost:4000',
      'http://localhost:4000',
      'null',
      `${origin}/`,
    ]) {
      expect(
        reportFromMessage({ origin: other, source: frameWindow, data: report('x') }, expected),
      ).toBeNull();
    }
  });

  it('ignores the right origin from another window (a popup or another tab of the app)', () => {
    expect(reportFromMessage({ origin, source: { name: 'popup' }, data: report('x') }, expected)).toBeNull();
    expect(reportFromMessage({ origin, source: null, data: report('x') }, expected)).toBeNull();
    expect(
      reportFromMessage({ origin, source: frameWindow, data: report('x') }, { origin, source: null }),
    ).toBeNull();
  });

  it('ignores anything the schema does not allow', () => {
    const bad = [
      'a string',
      { ...report('x'), source: 'someone-else' },
      { ...report('x'), kind: 'eval' },
      { ...report('x'), message: 'x'.repeat(5000) },
      { ...report('x'), at: 'yesterday' },
    ];
    for (const data of bad)
      expect(reportFromMessage({ origin, source: frameWindow, data }, expected)).toBeNull();
  });

  it('accepts nothing before the preview origin is known', () => {
    expect(
      reportFromMessage(
        { origin, source: frameWindow, data: report('x') },
        { origin: null, source: frameWindow },
      ),
    ).toBeNull();
  });
});

describe('PreviewReportsStore', () => {
  it('keeps the last reports per project, newest last', () => {
    const store = new PreviewReportsStore(3);
    for (const message of ['1', '2', '3', '4']) store.add('a', report(message));
    store.add('b', report('other project'));
    expect(store.get('a').map((entry) => entry.message)).toEqual(['2', '3', '4']);
    expect(store.get('b')).toHaveLength(1);
    expect(store.get('c')).toEqual([]);
  });

  it('replaces the array on change, keeps it otherwise, and tells subscribers', () => {
    const store = new PreviewReportsStore();
    let calls = 0;
    const unsubscribe = store.subscribe(() => (calls += 1));
    const empty = store.get('a');
    expect(store.get('a')).toBe(empty);
    store.add('a', report('x'));
    const once = store.get('a');
    expect(once).not.toBe(empty);
    expect(store.get('a')).toBe(once);
    store.clear('a');
    store.clear('a');
    expect(store.get('a')).toEqual([]);
    expect(calls).toBe(2);
    unsubscribe();
    store.add('a', report('y'));
    expect(calls).toBe(2);
  });

  it('tells problems from navigations', () => {
    expect(isProblem(report('x', 'unhandledrejection'))).toBe(true);
    expect(isProblem(report('/about', 'navigation'))).toBe(false);
  });
});

describe('usePreviewReports', () => {
  it('re-renders with the project’s reports as they arrive and when cleared', () => {
    const { result } = renderHook(() => usePreviewReports('hook-project'));
    expect(result.current).toEqual([]);
    act(() => previewReports.add('hook-project', report('first')));
    act(() => previewReports.add('another-project', report('not mine')));
    expect(result.current.map((entry) => entry.message)).toEqual(['first']);
    act(() => previewReports.clear('hook-project'));
    expect(result.current).toEqual([]);
  });
});
