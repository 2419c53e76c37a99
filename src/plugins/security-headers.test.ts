// Security headers from helmet: every answer carries X-Content-Type-Options: nosniff, API
// answers are Cache-Control: no-store (they carry personal data and sessions), and the /docs page has
// a Content-Security-Policy it works under — checked in headless Chromium, with no violation reported.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, skipWithoutChromium } from '../../test/browser.ts';
import { baseUrl, startTestApp, type TestApp } from '../../test/helpers.ts';
import { createApiUser } from '../../test/users.ts';

const noChromium = skipWithoutChromium;
const shots = process.env.ONRAMP_SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'onramp-docs-screenshots');

describe('security headers', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ listen: true });
  });
  after(() => t.close());

  it('API answers, errors included, are nosniff and no-store', async () => {
    const user = await createApiUser(t);
    const answers = [
      await t.app.inject({ method: 'GET', url: `/v1/users/${user.id}`, headers: user.headers }),
      await t.app.inject({ method: 'GET', url: `/v1/users/${user.id}/wallets`, headers: user.headers }),
      await t.app.inject({ method: 'GET', url: `/v1/users/${user.id}` }),
      await t.app.inject({ method: 'GET', url: '/v1/nothing-here' }),
      await t.app.inject({ method: 'GET', url: '/v1/users/%ZZ' }),
      await t.app.inject({ method: 'GET', url: '/sandbox/inbox', headers: t.clientHeaders }),
    ];
    for (const res of answers) {
      assert.equal(res.headers['x-content-type-options'], 'nosniff', `${res.statusCode} ${res.body.slice(0, 80)}`);
      assert.equal(res.headers['cache-control'], 'no-store', `${res.statusCode} ${res.body.slice(0, 80)}`);
    }
    assert.equal(answers[0]!.statusCode, 200);
    // Public, non-personal documents keep their own caching.
    const jwks = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    assert.equal(jwks.headers['cache-control'], 'public, max-age=300');
    assert.equal(jwks.headers['x-content-type-options'], 'nosniff');
    assert.equal(answers[0]!.headers['x-frame-options'], 'SAMEORIGIN');
    // The sandbox Link page is shown in a partner's iframe or popup: it keeps its own CSP, unframed.
    const link = await t.app.inject({ method: 'GET', url: '/sandbox/link' });
    assert.equal(link.headers['x-frame-options'], undefined);
    assert.match(String(link.headers['content-security-policy']), /script-src 'self'/);
    assert.equal(link.headers['x-content-type-options'], 'nosniff');
  });

  it("every answer carries helmet's headers for its option set, and nothing of the policies left off", async () => {
    const helmetDefaults: Record<string, string> = {
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    };
    const answers = [
      await t.app.inject({ method: 'GET', url: '/v1/config', headers: t.clientHeaders }),
      await t.app.inject({ method: 'GET', url: '/v1/config' }),
      await t.app.inject({ method: 'GET', url: '/v1/nothing-here' }),
      await t.app.inject({ method: 'GET', url: '/docs/' }),
      await t.app.inject({ method: 'GET', url: '/healthz' }),
      await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }),
    ];
    for (const res of answers) {
      const where = `${res.statusCode} ${res.body.slice(0, 60)}`;
      for (const [name, value] of Object.entries(helmetDefaults)) assert.equal(res.headers[name], value, where);
      assert.equal(res.headers['cross-origin-opener-policy'], undefined, where);
      assert.equal(res.headers['cross-origin-embedder-policy'], undefined, where);
      assert.equal(res.headers['x-powered-by'], undefined, where);
    }
    assert.equal(answers[0]!.headers['content-security-policy'], undefined);
    // A route's own helmet options: the Link page has the same headers without X-Frame-Options.
    const link = await t.app.inject({ method: 'GET', url: '/sandbox/link' });
    for (const [name, value] of Object.entries(helmetDefaults))
      assert.equal(link.headers[name], name === 'x-frame-options' ? undefined : value, name);
  });

  it('the docs page has a Content-Security-Policy without unsafe-inline scripts', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(page.statusCode, 200);
    const csp = String(page.headers['content-security-policy'] ?? '');
    assert.match(csp, /default-src 'self'/);
    const scripts = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    assert.ok(scripts.length > 0, csp);
    assert.ok(!scripts.includes("'unsafe-inline'"), csp);
    assert.match(csp, /frame-ancestors 'self'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
  });

  it('the docs page renders in Chromium under its CSP, with no violation', { skip: noChromium }, async () => {
    const browser: Browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(`Refused to load: CSP violation ${e.violatedDirective} ${e.blockedURI}`);
        });
      });
      await page.goto(`${baseUrl(t)}/docs/`, { waitUntil: 'load' });
      await page.getByText('Start wallet sign-in').first().waitFor({ timeout: 60_000 });
      await page.getByText('onramp — Ratio API').first().waitFor({ timeout: 10_000 });
      fs.mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, 'docs.png') });
      assert.deepEqual(violations, []);
    } finally {
      await browser.close();
    }
  });
});
