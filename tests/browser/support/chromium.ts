import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the browser suites can run: Debian's Chromium (scripts/ci/install-chromium.sh). Missing Chromium
 * fails the run in CI (no suite may skip there) and skips with the reason elsewhere.
 */
export function chromiumUnavailableReason(): string | null {
  if (existsSync(chromiumPath)) return null;
  const reason = `Chromium is not installed at ${chromiumPath} (bash scripts/ci/install-chromium.sh)`;
  if (process.env.CI) throw new Error(`${reason}; CI requires it.`);
  return reason;
}

/**
 * Headless Chromium as the machine notes say it works here: no sandbox (root), and none of the background
 * networking that the closed network would refuse many times a second.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
