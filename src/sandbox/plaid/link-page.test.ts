// The hosted sandbox Link page in headless Chromium (playwright-core + Debian's chromium): a partner
// links a bank the way its users would, then activates the public token through the API.
// Screenshots of each step go to $ONRAMP_SCREENSHOT_DIR (default: the OS temp dir).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { post } from '../../../test/auth.ts';
import { setKycStatus } from '../../../test/banks.ts';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { createApiUser } from '../../../test/users.ts';
import { createClient } from '../../modules/clients/create-client.ts';

const CHROMIUM = process.env.ONRAMP_CHROMIUM ?? '/usr/bin/chromium';
const skip = fs.existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set ONRAMP_CHROMIUM`;
const shots = process.env.ONRAMP_SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'onramp-link-screenshots');

// A partner's pages: the OAuth return URL, and an app page that opens Link in a popup and listens.
const PARTNER_RETURN =
  '<!doctype html><title>Partner app</title><h1>Partner app</h1><p id="out"></p><script>document.getElementById("out").textContent = location.search</script>';
const PARTNER_OPENER =
  '<!doctype html><title>Partner app</title><h1>Partner app</h1><script>window.received = []; window.addEventListener("message", (e) => window.received.push(e.data)); window.openLink = (url) => window.open(url, "plaid", "width=460,height=720");</script>';

describe('sandbox Link page in Chromium', { skip }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  before(async () => {
    t = await startTestApp({
      listen: true,
      workers: true,
      routes: (app) => {
        app.get('/partner/plaid', { config: { auth: 'public' }, schema: { hide: true } }, async (_r, reply) =>
          reply.type('text/html').send(PARTNER_RETURN),
        );
        app.get('/partner/app', { config: { auth: 'public' }, schema: { hide: true } }, async (_r, reply) =>
          reply.type('text/html').send(PARTNER_OPENER),
        );
      },
    });
    base = baseUrl(t);
    fs.mkdirSync(shots, { recursive: true });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

  it('links Tartan Bank with custom_ratio_good and returns to the partner redirect URI with a public token that activates an APPROVED bank', async () => {
    const redirectUri = `${base}/partner/plaid`;
    const partner = await createClient(t.db.db, 'sandbox', { name: 'Web partner', redirectUris: [redirectUri] });
    const headers = { 'ratio-client-id': partner.clientId, 'ratio-client-secret': partner.clientSecret };
    const user = await createApiUser(t, { headers, body: { firstName: 'Ada', lastName: 'Lovelace' } });
    await setKycStatus(t, user.id, 'APPROVED');
    const requested = await post(t, `/v1/users/${user.id}/banks:requestLink`, { redirectUri }, user.headers);
    assert.equal(requested.statusCode, 200, requested.body);

    const page = await browser.newPage({ viewport: { width: 480, height: 800 } });
    await page.goto(`${base}/sandbox/link?token=${requested.json().linkToken}`);
    await page.getByRole('button', { name: /Tartan Bank/ }).waitFor();
    await shot(page, '1-institutions');
    await page.getByRole('button', { name: /Tartan Bank/ }).click();

    await page.fill('#username', 'custom_ratio_good');
    await page.fill('#password', 'wrong');
    await page.click('#submit-credentials');
    await page
      .locator('#error')
      .filter({ hasText: /credentials you provided were incorrect/ })
      .waitFor();
    await page.fill('#password', 'pass_good');
    await shot(page, '2-credentials');
    await page.click('#submit-credentials');

    await page.getByText('Plaid Checking •••• 0000').waitFor();
    await page.getByText('Plaid Saving •••• 1111').click();
    await shot(page, '3-accounts');
    await page.click('#submit-account');
    await page.getByText('Public token created').waitFor();
    await page.getByText(/Returning to your app with it\. Your app exchanges it with banks:activateLink/).waitFor();
    await shot(page, '4-done');
    await page.waitForURL(/\/partner\/plaid\?public_token=public-sandbox-/);
    const publicToken = new URL(page.url()).searchParams.get('public_token')!;
    await page.close();

    const activated = await post(t, `/v1/users/${user.id}/banks:activateLink`, { publicToken }, user.headers);
    assert.equal(activated.statusCode, 200, activated.body);
    assert.deepEqual(
      {
        name: activated.json().bankAccount.name,
        mask: activated.json().bankAccount.mask,
        linkStatus: activated.json().bankAccount.linkStatus,
        verificationStatus: activated.json().bankAccount.verificationStatus,
      },
      { name: 'Plaid Saving', mask: '1111', linkStatus: 'ACTIVE', verificationStatus: 'APPROVED' },
    );
  });

  it('shows Down and Degraded institutions as Plaid does, asks OAuth banks for a code, and posts SUCCESS to the opener', async () => {
    const user = await createApiUser(t, { body: { firstName: 'Grace', lastName: 'Hopper' } });
    const linkToken = (await post(t, `/v1/users/${user.id}/banks:requestLink`, {}, user.headers)).json().linkToken;
    const app = await browser.newPage();
    await app.goto(`${base}/partner/app`);
    const [popup] = await Promise.all([
      app.waitForEvent('popup'),
      app.evaluate(
        (url) => (window as unknown as { openLink(u: string): void }).openLink(url),
        `${base}/sandbox/link?token=${linkToken}`,
      ),
    ]);

    await popup.getByRole('button', { name: /Unhealthy Platypus Bank - Down/ }).click();
    await popup
      .locator('#error')
      .filter({ hasText: /INSTITUTION_DOWN/ })
      .waitFor();
    await popup.getByRole('button', { name: /Unhealthy Platypus Bank - Degraded/ }).click();
    await popup.locator('#degraded').waitFor({ state: 'visible' });
    await shot(popup, '5-degraded');
    await popup.click('#back');

    await popup.getByRole('button', { name: /^\S+ Platypus OAuth Bank/ }).click();
    await popup.locator('#mfa').waitFor({ state: 'visible' });
    await popup.fill('#username', 'custom_ratio_good');
    await popup.fill('#password', 'pass_good');
    await popup.click('#submit-credentials');
    await popup.locator('#error').filter({ hasText: /MFA/ }).waitFor();
    await popup.fill('#mfa', '123456');
    await shot(popup, '6-oauth-code');
    await popup.click('#submit-credentials');
    await popup.click('#submit-account');
    await popup.getByText(/Sent to your app \(postMessage\)\. Your app exchanges it with banks:activateLink/).waitFor();

    await app.waitForFunction(() => (window as unknown as { received: unknown[] }).received.length > 0);
    const [message] = (await app.evaluate(() => (window as unknown as { received: unknown[] }).received)) as Array<{
      source: string;
      event: string;
      public_token: string;
      metadata: { institution: { institution_id: string } };
    }>;
    assert.equal(message!.source, 'onramp-sandbox-link');
    assert.equal(message!.event, 'SUCCESS');
    assert.equal(message!.metadata.institution.institution_id, 'ins_127287');
    const activated = await post(
      t,
      `/v1/users/${user.id}/banks:activateLink`,
      { publicToken: message!.public_token },
      user.headers,
    );
    assert.equal(activated.statusCode, 200, activated.body);
    assert.equal(activated.json().bankAccount.verificationStatus, 'IN_REVIEW', 'KYC not decided yet');
    await app.close();
  });

  it('opened on its own, says the public token was created and what the app does with it, and Exit says Link closed', async () => {
    const user = await createApiUser(t, { body: { firstName: 'Ada', lastName: 'Lovelace' } });
    const token = async () =>
      (await post(t, `/v1/users/${user.id}/banks:requestLink`, {}, user.headers)).json().linkToken;
    const page = await browser.newPage();
    await page.goto(`${base}/sandbox/link?token=${await token()}`);
    await page.getByRole('button', { name: /Tartan Bank/ }).click();
    await page.fill('#username', 'custom_ratio_good');
    await page.fill('#password', 'pass_good');
    await page.click('#submit-credentials');
    await page.click('#submit-account');
    await page
      .getByText(/No app opened this page: copy the token\. Your app exchanges it with banks:activateLink/)
      .waitFor();
    const publicToken = await page.locator('#public-token').textContent();
    assert.match(publicToken ?? '', /^public-sandbox-/);
    await shot(page, '7-standalone-done');

    await page.goto(`${base}/sandbox/link?token=${await token()}`);
    await page.getByRole('button', { name: /Tartan Bank/ }).waitFor();
    await page.click('#exit');
    await page.getByText('Link closed').waitFor();
    assert.equal(await page.locator('#step-institution').isHidden(), true);
    await shot(page, '8-standalone-exit');
    await page.close();
  });
});
