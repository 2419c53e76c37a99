// The hosted Identity Verification page in headless Chromium (playwright-core + Debian's chromium): a
// user whose KYC went to review opens the link POST /v1/users/{userId}/idv gave, uploads a pretend ID
// document and passes (or fails) it; the KYC follows through Plaid's webhook. Screenshots of each step
// go to $ONRAMP_SCREENSHOT_DIR (default: the OS temp dir).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IDNumberType } from 'plaid';
import type { Browser, Page } from 'playwright-core';
import { post } from '../../../test/auth.ts';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { kycBody, requestIdv, sandboxSsn, waitForKycStatus } from '../../../test/kyc.ts';
import { createApiUser, type ApiUser } from '../../../test/users.ts';
import { SANDBOX_IDV_TEMPLATE_ID } from './idv-template.ts';

const CHROMIUM = process.env.ONRAMP_CHROMIUM ?? '/usr/bin/chromium';
const skip = fs.existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set ONRAMP_CHROMIUM`;
const shots = process.env.ONRAMP_SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'onramp-idv-screenshots');
// A small valid PNG: what a tester would pick from disk.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('sandbox identity verification page in Chromium', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  before(async () => {
    t = await startTestApp({ listen: true, workers: true });
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

  const userInReview = async (): Promise<{ user: ApiUser; url: string }> => {
    const user = await createApiUser(t);
    assert.equal((await post(t, `/v1/users/${user.id}/kyc`, kycBody(sandboxSsn('1')), user.headers)).statusCode, 200);
    await waitForKycStatus(t, user, 'IN_REVIEW');
    const idv = await requestIdv(t, user);
    assert.equal(idv.statusCode, 200, idv.body);
    return { user, url: idv.json().url };
  };

  const upload = async (page: Page, outcome: 'pass' | 'fail') => {
    await page.getByRole('heading', { name: 'Upload a photo ID' }).waitFor();
    await page.selectOption('#category', 'passport');
    await page.setInputFiles('#file', { name: 'passport.png', mimeType: 'image/png', buffer: PNG });
    await page.check(`input[name=outcome][value=${outcome}]`);
  };

  it('a user in review uploads a document that passes: the page says verified and KYC becomes APPROVED', async () => {
    const { user, url } = await userInReview();
    const page = await browser.newPage({ viewport: { width: 480, height: 820 } });
    await page.goto(url);
    await upload(page, 'pass');
    await shot(page, 'idv-1-document');
    await page.click('#submit-document');
    await page.getByRole('heading', { name: 'Identity verified' }).waitFor();
    await shot(page, 'idv-2-verified');
    const approved = await waitForKycStatus(t, user, 'APPROVED');
    assert.deepEqual(approved.flags, []);
    await page.reload();
    await page.getByRole('heading', { name: 'Identity verified' }).waitFor();
    await page.close();
  });

  it('a document that fails: the page says so and KYC becomes DECLINED; a forged key is refused', async () => {
    const { user, url } = await userInReview();
    const page = await browser.newPage({ viewport: { width: 480, height: 820 } });
    await page.goto(url.replace(/key=[^&]+/, 'key=forged'));
    await page
      .locator('#error')
      .filter({ hasText: /link is not valid/ })
      .waitFor();
    await shot(page, 'idv-3-forged-key');
    await page.goto(url);
    await upload(page, 'fail');
    await page.click('#submit-document');
    await page.getByRole('heading', { name: 'We could not verify your identity' }).waitFor();
    await shot(page, 'idv-4-failed');
    await waitForKycStatus(t, user, 'DECLINED');
    await page.close();
  });

  it('a verification created without consent asks for it first, then checks and finishes by itself', async () => {
    const created = await t.ctx.plaid.api().identityVerificationCreate({
      client_user_id: `page-consent-${process.pid}`,
      template_id: SANDBOX_IDV_TEMPLATE_ID,
      is_shareable: true,
      gave_consent: false,
      user: { id_number: { value: '234567890', type: IDNumberType.UsSsn } },
    });
    const page = await browser.newPage({ viewport: { width: 480, height: 820 } });
    await page.goto(created.data.shareable_url!);
    await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
    await shot(page, 'idv-5-consent');
    await page.check('#agree');
    await page.click('#submit-consent');
    await page.getByRole('heading', { name: 'Identity verified' }).waitFor();
    await page.close();
  });
});
