// The docs a self-hosted server serves, in Debian's Chromium (playwright-core): /docs (the API
// reference), a guide and the landing page load without one request to another origin and without a
// CSP violation, and /docs shows none of its renderer's product buttons. Screenshots of /, /docs and
// the quickstart go to $ONRAMP_SCREENSHOT_DIR (default <tmp>/shots).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshots, skipWithoutChromium } from '../../../test/browser.ts';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';

const shot = screenshots('shots');

describe('the docs in a browser', { skip: skipWithoutChromium }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const elsewhere: string[] = [];
  const problems: string[] = [];

  before(async () => {
    t = await startTestApp({ listen: true });
    base = baseUrl(t);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page that records every request to another origin and every CSP complaint. */
  async function open(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => {
      const u = new URL(r.url());
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== base)
        elsewhere.push(`${url} → ${r.url()}`);
    });
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/.test(m.text())) problems.push(`${url}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${url}: ${e.message}`));
    await page.goto(`${base}${url}`, { waitUntil: 'networkidle' });
    return page;
  }

  it('renders /docs from this server only, without the renderer’s product buttons', async () => {
    const page = await open('/docs');
    await page.getByText('onramp — Ratio API').first().waitFor();
    const text = (await page.locator('body').textContent()) ?? '';
    for (const button of ['Ask AI', 'Generate MCP', 'Deploy'])
      assert.equal(text.includes(button), false, `no "${button}" on the page`);
    assert.match(text, /Quickstart/);
    await shot(page, 'docs');
    await page.close();
  });

  it('renders a guide and the landing page from this server only, links working', async () => {
    const guide = await open('/docs/guides/quickstart');
    assert.equal(
      await guide.locator('h1').first().textContent(),
      'Quickstart: a sandbox purchase with a verified webhook',
    );
    await shot(guide, 'quickstart');
    await guide.getByRole('link', { name: 'Sandbox test values' }).first().click();
    await guide.waitForURL(`${base}/docs/guides/sandbox`);
    await guide.close();

    const landing = await open('/');
    assert.match((await landing.locator('main').textContent()) ?? '', /sandbox/);
    await shot(landing, 'landing');
    await landing.getByRole('link', { name: 'Guides' }).first().click();
    await landing.waitForURL(`${base}/docs/guides`);
    await landing.close();
  });

  it('made no request to another origin and broke no policy', () => {
    assert.deepEqual(elsewhere, []);
    assert.deepEqual(problems, []);
  });
});
