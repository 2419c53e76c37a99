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

/**
 * How long a page action or navigation may take: more than Playwright's 30 s default, so that a page
 * test passes on a loaded machine (the suite beside other work on 2 cores); a page that never shows
 * what is awaited still fails.
 */
export const PAGE_TIMEOUT_MS = 120_000;

/** Chromium whose pages and contexts wait up to PAGE_TIMEOUT_MS for each action and navigation. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => withPageTimeouts(await newContext(options));
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => withPageTimeouts(await newPage(options));
  return browser;
}

function withPageTimeouts<T extends Pick<Page, 'setDefaultTimeout' | 'setDefaultNavigationTimeout'>>(target: T): T {
  target.setDefaultTimeout(PAGE_TIMEOUT_MS);
  target.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
  return target;
}

/** Screenshots go to $ONRAMP_SCREENSHOT_DIR, by default `<tmp>/<fallback>`: shot(page, name) writes name.png. */
export function screenshots(fallback: string): (page: Page, name: string) => Promise<Buffer> {
  const dir = process.env.ONRAMP_SCREENSHOT_DIR ?? path.join(os.tmpdir(), fallback);
  fs.mkdirSync(dir, { recursive: true });
  return (page, name) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
