import type { PreviewReport } from '@vaporform/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixRequest, ReportRelay } from './reportRelay';

const report = (message: string): PreviewReport => ({
  source: 'vaporform-preview',
  kind: 'error',
  message,
  url: '/page',
  line: 3,
  at: 1,
});

describe('ReportRelay', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a burst of errors as one request per project, capped', async () => {
    const sent: [string, number][] = [];
    const relay = new ReportRelay(async (projectId, reports) => void sent.push([projectId, reports.length]));
    for (let index = 0; index < 80; index += 1) relay.add('a', report(`boom ${index}`));
    relay.add('b', report('other'));
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toEqual([
      ['a', 50],
      ['b', 1],
    ]);
    relay.add('a', report('later'));
    await vi.advanceTimersByTimeAsync(500);
    expect(sent.at(-1)).toEqual(['a', 1]);
  });

  it('keeps going when the server refuses a batch', async () => {
    const send = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValue(undefined);
    const relay = new ReportRelay(send);
    relay.add('a', report('one'));
    await vi.advanceTimersByTimeAsync(500);
    relay.add('a', report('two'));
    await vi.advanceTimersByTimeAsync(500);
    expect(send).toHaveBeenCalledTimes(2);
  });
});

describe('fixRequest', () => {
  it('names the place and the error, with the stack when it says more', () => {
    expect(fixRequest({ ...report('TypeError: x'), stack: 'TypeError: x\n    at f (app.js:3:1)' })).toBe(
      'The preview shows this error on /page:3:\n\nTypeError: x\n\nTypeError: x\n    at f (app.js:3:1)\n\nFind the cause and fix it.',
    );
  });
});
