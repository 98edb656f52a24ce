/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dockerUnavailableReason,
  runtimeImagesUnavailableReason,
} from '../../apps/server/src/testing/dockerAvailability.js';
import { FakeAnthropicServer, reply, text, toolUse } from '../fakes/anthropicMessagesServer.js';
import { chromiumUnavailableReason, launchChromium } from './support/chromium.js';
import { ensureBuilt } from '../support/build.js';
import { previewHeading } from './support/previewHeading.js';
import { startIde, type RunningIde } from './support/runningIde.js';

const unavailable =
  chromiumUnavailableReason() ??
  (await dockerUnavailableReason()) ??
  (await runtimeImagesUnavailableReason(['vaporform/runtime-node:latest']));

const shots = path.resolve('test-results/browser/agent-chat');

/**
 * The agent seen from the chat panel, in Chromium: the built server talks to the real Anthropic SDK's
 * idea of the API (our protocol fake, answers scripted), edits the project in its container, and the
 * preview shows the result.
 */
describe.skipIf(unavailable !== null)('asking the agent from the chat panel', () => {
  let fake: FakeAnthropicServer;
  let ide: RunningIde;
  let browser: Browser;
  let page: Page;
  let projectId = '';

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureBuilt();
    fake = await FakeAnthropicServer.start();
    ide = await startIde({
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'sk-fake',
      VAPORFORM_IDLE_MINUTES: '0',
    });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const signup = await context.request.post(`${ide.origin}/api/auth/signup`, {
      data: { email: 'chat@example.com', password: 'correct horse battery staple', name: 'Chat User' },
    });
    expect(signup.status()).toBe(201);
    const created = await context.request.post(`${ide.origin}/api/projects`, {
      data: { name: 'Chatty', templateId: 'node-express' },
    });
    projectId = ((await created.json()) as { id: string }).id;
    const started = await context.request.post(
      `${ide.origin}/api/projects/${projectId}/container/start?wait=true&timeoutSeconds=240`,
      { timeout: 250_000 },
    );
    expect(((await started.json()) as { status: string }).status).toBe('running');
    page = await context.newPage();
  }, 300_000);

  afterAll(async () => {
    if (projectId)
      await page
        ?.context()
        .request.delete(`${ide.origin}/api/projects/${projectId}`)
        .catch(() => undefined);
    await browser?.close();
    await ide?.stop();
    await fake?.close();
  }, 60_000);

  it('streams the answer, shows the diff, and the preview changes', async () => {
    fake.script([
      reply(
        [
          text('I will change the heading on the home page.'),
          toolUse('edit_file', {
            path: 'public/index.html',
            oldText: 'Your Express app is running',
            newText: 'Built by the agent',
          }),
        ],
        { delayMs: 40 },
      ),
      reply([text('Done: the home page heading now says **Built by the agent**.')], { delayMs: 40 }),
    ]);
    await page.goto(`${ide.origin}/projects/${projectId}`);
    await page.getByRole('tab', { name: 'Chat' }).click();
    const input = page.getByRole('textbox', { name: 'Message' });
    await input.fill('Change the heading to say it was built by the agent');
    await input.press('Enter');

    const turn = page.locator('.chat-turn').last();
    await expect.poll(() => turn.getAttribute('data-status'), { timeout: 10_000 }).toBe('running');
    // Done includes the template's checks (a typecheck in the container) after the edit.
    await expect.poll(() => turn.getAttribute('data-status'), { timeout: 90_000 }).toBe('done');
    await turn.getByText('Built by the agent').first().waitFor();
    // The template's typecheck ran in the container after the edit, and passed.
    const check = turn.locator('.chat-check');
    expect(await check.getAttribute('data-state')).toBe('ok');
    expect(await check.textContent()).toContain('passed');
    await page.screenshot({ path: path.join(shots, '01-chat-done.png') });
    await turn.locator('.chat-file-toggle', { hasText: 'index.html' }).click();
    const diff = turn.getByLabel('Changes to public/index.html');
    expect(await diff.textContent()).toContain('+    <h1>Built by the agent</h1>');
    await page.screenshot({ path: path.join(shots, '01-chat.png') });

    await page.getByRole('tab', { name: 'Preview' }).click();
    await expect
      .poll(() => previewHeading(page), { timeout: 60_000, interval: 2_000 })
      .toBe('Built by the agent');
    await page.screenshot({ path: path.join(shots, '02-preview.png') });
  }, 120_000);
});
