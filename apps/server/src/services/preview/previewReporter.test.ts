import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { ReporterInjector, reporterScript, reporterTag, shouldInject } from './previewReporter.js';

async function inject(chunks: (string | Buffer)[]): Promise<string> {
  return text(Readable.from(chunks.map((chunk) => Buffer.from(chunk))).pipe(new ReporterInjector()));
}

describe('the preview error reporter', () => {
  it('goes right after <head>, even when the tag is split across chunks', async () => {
    const page = '<!DOCTYPE html><html><HEAD lang="x"><title>t</title></head><body>é</body></html>';
    for (let cut = 1; cut < 40; cut += 3) {
      const out = await inject([page.slice(0, cut), page.slice(cut)]);
      expect(out).toBe(page.replace('<HEAD lang="x">', `<HEAD lang="x">${reporterTag}`));
    }
  });

  it('keeps multi-byte characters intact', async () => {
    const page = Buffer.from('<html><head></head><body>日本語 ✓</body></html>');
    const out = await inject([page.subarray(0, 7), page.subarray(7, 29), page.subarray(29)]);
    expect(out).toBe(`<html><head>${reporterTag}</head><body>日本語 ✓</body></html>`);
  });

  it('goes after the doctype when there is no <head>, so the page stays in standards mode', async () => {
    expect(await inject(['<!doctype html><p>hi</p>'])).toBe(`<!doctype html>${reporterTag}<p>hi</p>`);
    expect(await inject(['<p>hi</p>'])).toBe(`${reporterTag}<p>hi</p>`);
  });

  it('stops looking after the first 8 KiB and passes the rest through', async () => {
    const big = `<!doctype html>${'x'.repeat(9000)}<head></head>`;
    const out = await inject([big.slice(0, 9000), big.slice(9000)]);
    expect(out.indexOf(reporterTag)).toBe('<!doctype html>'.length);
    expect(out.match(/reporter\.js/g)).toHaveLength(1);
  });

  it('only touches uncompressed HTML', () => {
    expect(shouldInject({ 'content-type': 'text/html; charset=utf-8' })).toBe(true);
    expect(shouldInject({ 'content-type': 'text/html', 'content-encoding': 'gzip' })).toBe(false);
    expect(shouldInject({ 'content-type': 'application/json' })).toBe(false);
    expect(shouldInject({})).toBe(false);
  });

  it('posts only to the IDE origin, whatever is in it', () => {
    const script = reporterScript('http://ide.example:4000');
    expect(script).toContain('const ide = "http://ide.example:4000";');
    expect(script).toContain('window.parent.postMessage(');
    expect(script).not.toContain("'*'");
    // The origin is embedded as a JSON string: a quote in it cannot break out of the literal.
    expect(reporterScript('http://x"</script>')).toContain('const ide = "http://x\\"</script>";');
  });
});
