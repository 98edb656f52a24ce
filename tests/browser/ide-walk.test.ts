/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  dockerUnavailableReason,
  runtimeImagesUnavailableReason,
} from '../../apps/server/src/testing/dockerAvailability.js';
import { chromiumUnavailableReason, launchChromium } from './support/chromium.js';
import { ensureBuilt } from '../support/build.js';
import { previewHeading } from './support/previewHeading.js';
import { startIde, type RunningIde } from './support/runningIde.js';

const unavailable =
  chromiumUnavailableReason() ??
  (await dockerUnavailableReason()) ??
  (await runtimeImagesUnavailableReason(['vaporform/runtime-node:latest']));

/** Screenshots of each step, kept by CI as artifacts (test-results/ is ignored by git). */
const shots = path.resolve('test-results/browser/ide-walk');
const password = 'correct horse battery staple';

/**
 * The newcomer's walk through the IDE, in Chromium against the built server and real Docker: sign up, create
 * a node-express project in the wizard, edit and save a file, see it in the preview, use a terminal and find
 * it again after a reload; then a second user with `read` sees the project and cannot change it.
 */
describe.skipIf(unavailable !== null)('the IDE, walked through in Chromium', () => {
  let ide: RunningIde;
  let browser: Browser;
  let owner: BrowserContext;
  let page: Page;
  let projectId = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureBuilt();
    ide = await startIde({ VAPORFORM_IDLE_MINUTES: '0' });
    browser = await launchChromium();
    owner = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await owner.newPage();
    // The IDE's own errors only: the previewed app's (in its iframe) are the app's business, and the test
    // provokes some on purpose.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.location().url.includes(ide.previewHost)) {
        consoleErrors.push(message.text());
      }
    });
    page.on('pageerror', (error) => {
      if (!(error.stack ?? '').includes(ide.previewHost)) consoleErrors.push(error.message);
    });
  }, 300_000);

  afterAll(async () => {
    if (projectId)
      await owner?.request.delete(`${ide.origin}/api/projects/${projectId}`).catch(() => undefined);
    await browser?.close();
    await ide?.stop();
  }, 60_000);

  const shot = (name: string, on: Page = page) => on.screenshot({ path: path.join(shots, `${name}.png`) });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      await shot(`failed-${context.task.name.slice(0, 40)}`).catch(() => undefined);
  });

  it('signs up and lands on an empty dashboard', async () => {
    await page.goto(`${ide.origin}/signup`);
    await page.getByLabel('Name').fill('Ada Owner');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill(password);
    const started = Date.now();
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page
      .getByRole('button', { name: 'New project' })
      .or(page.getByRole('link', { name: 'New project' }))
      .first()
      .waitFor();
    console.log(`signup → dashboard: ${Date.now() - started} ms`);
    await shot('01-dashboard');
  });

  it('creates a node-express project in the wizard and goes straight into the IDE', async () => {
    await page
      .getByRole('button', { name: 'New project' })
      .or(page.getByRole('link', { name: 'New project' }))
      .first()
      .click();
    await page.getByRole('radio', { name: /Node\.js \+ Express/ }).click();
    await page.getByLabel('Project name').fill('Walk');
    await shot('02-wizard');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/, { timeout: 180_000 });
    projectId = /\/projects\/([0-9a-f-]{36})$/.exec(page.url())?.[1] ?? '';
    expect(projectId).not.toBe('');
    await page.getByRole('treeitem', { name: 'package.json' }).waitFor({ timeout: 30_000 });
    await shot('03-workbench');
    // The wizard waits for the first start, npm install from the registry included.
  }, 240_000);

  it('opens a file, edits it in Monaco, it is saved, and the preview shows the change', async () => {
    await page.getByRole('treeitem', { name: 'public' }).click();
    await page.getByRole('treeitem', { name: 'index.html' }).click();
    await page.getByRole('tab', { name: /index\.html/ }).waitFor();
    const editor = page.locator('.monaco-editor').first();
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press('Control+F');
    await page.keyboard.type('Your Express app is running');
    await page.keyboard.press('Escape');
    await page.keyboard.type('Edited in the Vaporform walk');
    // A shared (co-edited) file is saved by the server as it is typed; Ctrl+S only confirms.
    const tab = page.getByRole('tab', { name: /index\.html/ });
    await expect.poll(() => tab.getAttribute('data-shared')).not.toBeNull();
    await page.keyboard.press('Control+S');
    await expect.poll(() => tab.getAttribute('data-state')).toBe('saved');
    await expect
      .poll(async () =>
        (await owner.request.get(`${ide.origin}/api/projects/${projectId}/files/public/index.html`)).text(),
      )
      .toContain('<h1>Edited in the Vaporform walk</h1>');

    await expect
      .poll(() => previewHeading(page), { timeout: 180_000, interval: 2_000 })
      .toBe('Edited in the Vaporform walk');
    await shot('04-preview');
  });

  it('lists the previewed page’s runtime errors under the preview', async () => {
    const page500 =
      '<!doctype html><html><head><title>broken</title></head><body><p>broken</p>' +
      '<script>console.error("walk console"); throw new Error("walk boom")</script></body></html>';
    const written = await owner.request.put(
      `${ide.origin}/api/projects/${projectId}/files/public/broken.html`,
      {
        data: page500,
        headers: { 'content-type': 'text/html' },
      },
    );
    expect(written.status(), await written.text()).toBeLessThan(300);
    const address = page.getByRole('textbox', { name: 'Preview address' });
    await address.fill('/broken.html');
    await address.press('Enter');
    const toggle = page
      .getByRole('region', { name: 'Preview errors' })
      .getByRole('button', { name: /Errors/ });
    await expect.poll(() => toggle.textContent(), { timeout: 30_000 }).toContain('2');
    await toggle.click();
    await page.getByText('walk boom').first().waitFor();
    await page.getByText('walk console').first().waitFor();
    await shot('05-preview-errors');
    await address.fill('/');
    await address.press('Enter');
  });

  it('runs a command in a terminal, and finds the same terminal after a reload', async () => {
    const output = page.getByTestId('terminal-output').first();
    await page.locator('.xterm').first().click();
    await page.keyboard.type('echo walk-$((6*7))\n');
    await expect.poll(() => output.textContent(), { timeout: 30_000 }).toContain('walk-42');
    await shot('06-terminal');

    await page.reload();
    await page.getByRole('treeitem', { name: 'package.json' }).waitFor();
    await expect
      .poll(() => page.getByTestId('terminal-output').first().textContent(), { timeout: 30_000 })
      .toContain('walk-42');
    await shot('07-after-reload');
  });

  it('shows the project to a member with read access, who cannot change it', async () => {
    const reader = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const signup = await reader.request.post(`${ide.origin}/api/auth/signup`, {
      data: { email: 'rea@example.com', password, name: 'Rea Reader' },
    });
    expect(signup.status()).toBe(201);
    const invited = await owner.request.post(`${ide.origin}/api/projects/${projectId}/members`, {
      data: { email: 'rea@example.com', permission: 'read' },
    });
    expect(invited.status(), await invited.text()).toBeLessThan(300);

    const readerPage = await reader.newPage();
    await readerPage.goto(ide.origin);
    await readerPage.getByRole('link', { name: /Walk/ }).first().click();
    await readerPage.getByRole('treeitem', { name: 'package.json' }).waitFor();
    await readerPage.getByText('read-only').first().waitFor();
    await readerPage.getByRole('treeitem', { name: 'package.json' }).click();
    await readerPage.locator('.monaco-editor').first().click();
    await readerPage.keyboard.type('should not land');
    await readerPage.keyboard.press('Control+S');
    await shot('08-reader', readerPage);
    const file = await owner.request.get(`${ide.origin}/api/projects/${projectId}/files/package.json`);
    expect(await file.text()).not.toContain('should not land');
    expect(await readerPage.getByRole('button', { name: 'New File' }).count()).toBe(0);
    await reader.close();
  });

  it('logged no errors in the browser console', () => {
    expect(consoleErrors).toEqual([]);
  });
});
