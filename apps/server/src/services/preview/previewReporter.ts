import { Transform, type TransformCallback } from 'node:stream';

/** Served by the gateway on every preview origin; pages load it through the tag `injectReporter` adds. */
export const reporterPath = '/__vaporform/reporter.js';
export const reporterTag = `<script src="${reporterPath}"></script>`;

/**
 * The script that reports a previewed page's runtime errors to the IDE window around it. `postMessage` is
 * addressed to the IDE's origin only, so no other site framing the preview can read the reports, and the
 * IDE accepts them only from this project's preview origin. It does nothing when the page is not framed.
 */
export function reporterScript(ideOrigin: string): string {
  return `(() => {
  'use strict';
  if (window.parent === window) return;
  const ide = ${JSON.stringify(ideOrigin)};
  let budget = 200;
  const text = (value) => {
    if (value instanceof Error) return value.stack || value.message;
    if (typeof value === 'string') return value;
    try { return JSON.stringify(value); } catch { return String(value); }
  };
  const send = (kind, message, extra) => {
    if (budget-- <= 0) return;
    try {
      window.parent.postMessage(Object.assign({
        source: 'vaporform-preview',
        kind,
        message: String(message).slice(0, 4000),
        url: (location.pathname + location.search).slice(0, 2000),
        at: Date.now(),
      }, extra), ide);
    } catch {}
  };
  addEventListener('error', (event) => {
    if (event instanceof ErrorEvent) {
      const stack = event.error && event.error.stack ? String(event.error.stack).slice(0, 8000) : undefined;
      send('error', event.message, { stack, line: event.lineno || undefined, column: event.colno || undefined });
    } else if (event.target && event.target !== window) {
      const element = event.target;
      send('error', 'Failed to load ' + (element.src || element.href || element.tagName));
    }
  }, true);
  addEventListener('unhandledrejection', (event) => send('unhandledrejection', 'Unhandled rejection: ' + text(event.reason)));
  const original = console.error;
  console.error = function (...args) {
    send('console.error', args.map(text).join(' '));
    return original.apply(this, args);
  };
  send('navigation', document.title || location.pathname);
})();
`;
}

/** How far into a page to look for `<head>`: documents put it first; past this the tag goes in as is. */
const searchLimit = 8192;
const headOpen = /<head(\s[^>]*)?>/i;
const doctype = /^\s*<!doctype[^>]*>/i;

/**
 * Streams an HTML response with the reporter tag inserted right after `<head>` (or after the doctype, or
 * first), so it runs before the page's own scripts and catches their errors. Only the start of the
 * document is held back; the rest passes through untouched.
 */
export class ReporterInjector extends Transform {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #done = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#done) {
      callback(null, chunk);
      return;
    }
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    const head = Buffer.concat(this.#pending).toString('latin1');
    const match = headOpen.exec(head);
    if (match) this.#flush(head, match.index + match[0].length);
    else if (this.#pendingBytes >= searchLimit) this.#flush(head, doctype.exec(head)?.[0].length ?? 0);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (!this.#done) {
      // A short page without `<head>`: after its doctype, so the page stays in standards mode.
      const head = Buffer.concat(this.#pending).toString('latin1');
      this.#flush(head, doctype.exec(head)?.[0].length ?? 0);
    }
    callback();
  }

  /** `latin1` maps bytes 1:1, so the split is at the same byte offset whatever the page's encoding. */
  #flush(head: string, at: number): void {
    const whole = Buffer.from(head, 'latin1');
    this.push(whole.subarray(0, at));
    this.push(reporterTag);
    this.push(whole.subarray(at));
    this.#pending = [];
    this.#done = true;
  }
}

/** Only uncompressed HTML documents get the tag; anything else is passed through byte for byte. */
export function shouldInject(headers: { 'content-type'?: string; 'content-encoding'?: string }): boolean {
  const type = headers['content-type']?.toLowerCase() ?? '';
  const encoding = headers['content-encoding']?.toLowerCase() ?? 'identity';
  return type.startsWith('text/html') && encoding === 'identity';
}
