/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumUnavailableReason, launchChromium } from './support/chromium.js';
import { ensureBuilt } from '../support/build.js';
import { startIde, type RunningIde } from './support/runningIde.js';

const unavailable = chromiumUnavailableReason();

/**
 * A previewed app runs the project's code on its own origin. In a real browser, with the user signed in to
 * the IDE, a page on a preview origin must not be able to read the IDE's API, change anything through it, or
 * open its sockets.
 */
describe.skipIf(unavailable !== null)('a page on a preview origin, in Chromium', () => {
  let ide: RunningIde;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    await ensureBuilt();
    ide = await startIde({ VAPORFORM_AUTOSTART: 'false' });
    browser = await launchChromium();
    context = await browser.newContext();
    const signup = await context.request.post(`${ide.origin}/api/auth/signup`, {
      data: { email: 'owner@example.com', password: 'correct horse battery staple', name: 'Owner' },
    });
    expect(signup.status(), await signup.text()).toBe(201);
  }, 240_000);

  // A fresh page per case: a navigation one case starts (the form post) must not abort the next one's goto.
  beforeEach(async () => {
    page = await context.newPage();
  });

  afterEach(async () => {
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await ide?.stop();
  });

  it('the same calls succeed from the IDE origin (so the refusals below mean something)', async () => {
    await page.goto(ide.origin);
    const status = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(status).toBe(200);
    const opened = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(url);
          socket.onopen = () => {
            socket.close();
            resolve('open');
          };
          socket.onerror = () => resolve('refused');
        }),
      `ws://localhost:${ide.port}/api/ws`,
    );
    expect(opened).toBe('open');
  });

  it('cannot read the IDE API with the user’s cookies', async () => {
    await page.goto(`http://no-such-project.${ide.previewHost}/`);
    expect(new URL(page.url()).host).toBe(`no-such-project.${ide.previewHost}`);
    const outcome = await page.evaluate(async (origin) => {
      try {
        const response = await fetch(`${origin}/api/auth/me`, { credentials: 'include' });
        return `read ${response.status}: ${await response.text()}`;
      } catch (error) {
        return `blocked: ${(error as Error).name}`;
      }
    }, ide.origin);
    expect(outcome).toBe('blocked: TypeError');
  });

  it('cannot change anything through the IDE API, even with a request CORS lets through', async () => {
    await page.goto(`http://no-such-project.${ide.previewHost}/`);
    const formAnswered = page.waitForResponse((response) => response.url().endsWith('/api/auth/tokens'));
    await page.evaluate(async (origin) => {
      // A "simple" cross-site POST: sent without a preflight, the response unreadable. It must still fail.
      await fetch(`${origin}/api/projects`, {
        method: 'POST',
        mode: 'no-cors',
        credentials: 'include',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ name: 'Planted', templateId: 'node-express' }),
      }).catch(() => undefined);
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = `${origin}/api/auth/tokens`;
      form.enctype = 'text/plain';
      const input = document.createElement('input');
      input.name = '{"name":"planted","x":"';
      input.value = '"}';
      form.append(input);
      document.body.append(form);
      form.submit();
    }, ide.origin);
    expect((await formAnswered).status()).toBe(403);
    const projects = await context.request.get(`${ide.origin}/api/projects`);
    expect(await projects.json()).toEqual([]);
    const tokens = await context.request.get(`${ide.origin}/api/auth/tokens`);
    expect(await tokens.json()).toEqual([]);
  });

  it('cannot open the IDE’s sockets', async () => {
    await page.goto(`http://no-such-project.${ide.previewHost}/`);
    const outcomes = await page.evaluate(
      (urls) =>
        Promise.all(
          urls.map(
            (url) =>
              new Promise<string>((resolve) => {
                const socket = new WebSocket(url);
                socket.onopen = () => resolve(`open ${url}`);
                socket.onerror = () => resolve('refused');
              }),
          ),
        ),
      [
        `ws://localhost:${ide.port}/api/ws`,
        `ws://localhost:${ide.port}/api/projects/00000000-0000-4000-8000-000000000000/terminals/t1`,
      ],
    );
    expect(outcomes).toEqual(['refused', 'refused']);
  });

  it('cannot frame the IDE', async () => {
    const response = await page.goto(ide.origin);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
  });
});
