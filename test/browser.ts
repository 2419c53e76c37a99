// Headless Chromium for page tests (playwright-core + Debian's chromium; Playwright's own browser
// download is not reachable here). A test suite is skipped, saying why, when there is no Chromium.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.ONRAMP_CHROMIUM ?? '/usr/bin/chromium';

/** `false`, or why the browser tests cannot run (node:test's `skip` option). */
export const skipWithoutChromium: false | string = fs.existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set ONRAMP_CHROMIUM`;

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Screenshots go to $ONRAMP_SCREENSHOT_DIR, by default `<tmp>/<fallback>`: shot(page, name) writes name.png. */
export function screenshots(fallback: string): (page: Page, name: string) => Promise<Buffer> {
  const dir = process.env.ONRAMP_SCREENSHOT_DIR ?? path.join(os.tmpdir(), fallback);
  fs.mkdirSync(dir, { recursive: true });
  return (page, name) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
