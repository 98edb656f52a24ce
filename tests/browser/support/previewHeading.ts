import type { Page } from 'playwright-core';

/**
 * The `<h1>` of the app in the preview panel's iframe, after pressing the panel's reload (the app may still be
 * restarting, or the iframe still on the friendly "starting" page): '' when there is none yet.
 */
export async function previewHeading(page: Page): Promise<string> {
  await page
    .getByRole('button', { name: 'Reload preview' })
    .click()
    .catch(() => undefined);
  return page
    .frameLocator('iframe[title="Preview"]')
    .locator('h1')
    .textContent({ timeout: 5_000 })
    .catch(() => '')
    .then((text) => text ?? '');
}
