/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumUnavailableReason, launchChromium } from './support/chromium.js';
import { ensureBuilt } from '../support/build.js';
import { startIde, type RunningIde } from './support/runningIde.js';

const unavailable = chromiumUnavailableReason();
const shots = path.resolve('test-results/browser/co-editing');

/** Monaco renders the visible lines only, with non-breaking spaces: fine for a short file. */
const editorText = (page: Page) =>
  page.evaluate(() =>
    (document.querySelector<HTMLElement>('.monaco-editor .view-lines')?.innerText ?? '').replace(
      /\u00a0/g,
      ' ',
    ),
  );

async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    last = await read();
    if (check(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}; last seen: ${JSON.stringify(last)}`);
}

/**
 * Two people, two browser contexts, one file: they type at once and end with the same text, see each other's
 * cursor and presence, the file on disk gets both, and a change made outside the editor lands while one of
 * them types.
 */
describe.skipIf(unavailable !== null)('co-editing a file in two browsers', () => {
  let ide: RunningIde;
  let browser: Browser;
  let ada: BrowserContext;
  let bob: BrowserContext;
  let adaPage: Page;
  let bobPage: Page;
  let projectId = '';

  const fileUrl = () => `${ide.origin}/api/projects/${projectId}/files/notes.txt`;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureBuilt();
    ide = await startIde({ VAPORFORM_AUTOSTART: 'false' });
    browser = await launchChromium();
    ada = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    bob = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const signup = async (context: BrowserContext, email: string, name: string) => {
      const response = await context.request.post(`${ide.origin}/api/auth/signup`, {
        data: { email, password: 'correct horse battery staple', name },
      });
      expect(response.status(), await response.text()).toBe(201);
      return ((await response.json()) as { user: { id: string } }).user;
    };
    await signup(ada, 'ada@example.com', 'Ada Lovelace');
    const bobUser = await signup(bob, 'bob@example.com', 'Bob Builder');
    const created = await ada.request.post(`${ide.origin}/api/projects`, {
      data: { name: 'Shared notes', templateId: 'node-express' },
    });
    projectId = ((await created.json()) as { id: string }).id;
    const shared = await ada.request.put(`${ide.origin}/api/projects/${projectId}/members/${bobUser.id}`, {
      data: { permission: 'write' },
    });
    expect(shared.status(), await shared.text()).toBeLessThan(300);
    const written = await ada.request.put(fileUrl(), {
      data: 'one\ntwo\nthree\n',
      headers: { 'content-type': 'text/plain' },
    });
    expect(written.status()).toBeLessThan(300);
    [adaPage, bobPage] = await Promise.all([ada.newPage(), bob.newPage()]);
    for (const page of [adaPage, bobPage]) {
      await page.goto(`${ide.origin}/projects/${projectId}`);
      await page.getByRole('treeitem', { name: 'notes.txt' }).click();
      await page.locator('.monaco-editor .view-lines').waitFor();
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await ide?.stop();
  });

  it('converges when both type at once, and each sees the other', async () => {
    await eventually(
      () => adaPage.getByRole('tab', { name: 'notes.txt' }).getAttribute('data-shared'),
      Boolean,
      'shared tab',
    );
    await adaPage.locator('.monaco-editor .view-lines').click();
    await adaPage.keyboard.press('Control+Home');
    await bobPage.locator('.monaco-editor .view-lines').click();
    await bobPage.keyboard.press('Control+End');
    await Promise.all([adaPage.keyboard.type('// from Ada\n'), bobPage.keyboard.type('// from Bob')]);

    const adaText = await eventually(
      () => editorText(adaPage),
      (text) => text.includes('// from Ada') && text.includes('// from Bob'),
      'both edits in Ada’s editor',
    );
    await eventually(
      () => editorText(bobPage),
      (text) => text === adaText,
      'Bob’s editor to match Ada’s',
    );

    // The other's cursor, labelled with their name, in their colour.
    const label = (page: Page) =>
      page.evaluate(() => {
        const head = document.querySelector('.yRemoteSelectionHead');
        return head ? getComputedStyle(head, '::after').content : '';
      });
    await eventually(
      () => label(adaPage),
      (content) => content.includes('Bob Builder'),
      'Bob’s cursor on Ada’s page',
    );
    await eventually(
      () => label(bobPage),
      (content) => content.includes('Ada Lovelace'),
      'Ada’s cursor on Bob’s page',
    );
    // Who is online, and who has the file open.
    await eventually(
      () => adaPage.getByRole('list', { name: 'Online' }).innerText(),
      (text) => text.includes('B'),
      'Bob online on Ada’s status bar',
    );
    expect(await adaPage.getByRole('img', { name: /Open by Bob Builder/ }).count()).toBeGreaterThan(0);
    await adaPage.screenshot({ path: path.join(shots, '1-ada.png') });
    await bobPage.screenshot({ path: path.join(shots, '1-bob.png') });

    // On disk (what the container and the preview see), within the bridge's 300 ms and a little.
    await eventually(
      async () => (await ada.request.get(fileUrl())).text(),
      (disk) => disk.includes('// from Ada') && disk.includes('// from Bob'),
      'both edits on disk',
    );
  });

  it('lands a change made outside the editor while someone types, losing neither', async () => {
    const before = await (await ada.request.get(fileUrl())).text();
    await bobPage.locator('.monaco-editor .view-lines').click();
    await bobPage.keyboard.press('Control+End');
    const typing = bobPage.keyboard.type(' and more from Bob', { delay: 30 });
    const outside = await ada.request.put(fileUrl(), {
      data: before.replace('two', 'TWO (changed on disk)'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(outside.status()).toBeLessThan(300);
    await typing;
    for (const page of [adaPage, bobPage]) {
      await eventually(
        () => editorText(page),
        (text) => text.includes('TWO (changed on disk)') && text.includes('and more from Bob'),
        'the outside change and the typing in the editor',
      );
    }
    await eventually(
      async () => (await ada.request.get(fileUrl())).text(),
      (disk) => disk.includes('TWO (changed on disk)') && disk.includes('and more from Bob'),
      'both on disk',
    );
  });
});
