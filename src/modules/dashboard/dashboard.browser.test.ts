// The partner dashboard in Debian's Chromium (playwright-core), as a partner's staff use it: sign in
// with the code from the sandbox inbox, read the reports (equal to figures the test computes from the
// data it made through the API), filter by date, export CSV, manage a webhook (test event, replay,
// secret rotation) and the client secret, and be refused as a viewer or as another client's member.
// Every page is screenshotted at desktop and mobile width into $ONRAMP_SCREENSHOT_DIR and checked
// with axe-core (no serious or critical violation); none may break the CSP.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { latestCode } from '../../../test/auth.ts';
import {
  expectedFigures,
  invite,
  percentOf,
  type seedReports,
  seedWithActivity,
  type ActivityForReport,
} from '../../../test/dashboard.ts';
import { launchChromium, skipWithoutChromium } from '../../../test/browser.ts';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { WebhookReceiver } from '../../../test/webhook-receiver.ts';
import { newPartner, register, verifyRatio } from '../../../test/webhooks.ts';
import { requestLogOf } from './index.ts';

const skip = skipWithoutChromium;
const shots = process.env.ONRAMP_SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'onramp-dashboard-screenshots');
const DESKTOP = { width: 1280, height: 900 };
const MOBILE = { width: 390, height: 844 };
const BPS = 2500;

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const money = (s: string) => usd.format(Number(s));

let t: TestApp;
let base: string;
let browser: Browser;
let seeded: Awaited<ReturnType<typeof seedReports>>;
let items: Array<ActivityForReport & { userId: string }>;
const receiver = new WebhookReceiver();
const problems: string[] = [];

async function newPage(context?: BrowserContext): Promise<Page> {
  const ctx = context ?? (await browser.newContext({ viewport: DESKTOP, acceptDownloads: true }));
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return page;
}

/** Types the email, reads the code from the sandbox inbox, types it: the reports page opens. */
async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${base}/dashboard`);
  await page.waitForURL(/\/dashboard\/sign-in$/);
  await page.getByLabel('Work email').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in code' }).click();
  await page.getByLabel('Sign-in code').waitFor();
  await page.getByLabel('Sign-in code').fill(await latestCode(t, email));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Reports' }).waitFor();
}

async function axe(page: Page, name: string): Promise<void> {
  const { AxeBuilder } = await import('@axe-core/playwright');
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `axe on ${name}`,
  );
}

/** A screenshot at desktop and at mobile width, each checked with axe. */
async function capture(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['mobile', MOBILE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    await page.screenshot({ path: path.join(shots, `${name}-${size}.png`), fullPage: true });
    await axe(page, `${name} (${size})`);
  }
  await page.setViewportSize(DESKTOP);
}

const text = async (page: Page, id: string) => (await page.getByTestId(id).textContent())?.trim();

describe('the partner dashboard in Chromium', { skip }, () => {
  before(async () => {
    t = await startTestApp({ listen: true, workers: true });
    base = baseUrl(t);
    fs.mkdirSync(shots, { recursive: true });
    await receiver.start();
    ({ seeded, items } = await seedWithActivity(t, base, BPS));
    await requestLogOf(t.ctx).flush();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await receiver.stop();
    await t?.close();
  });

  test('an admin signs in with the inbox code and sees the reports the test computes; filters by date; exports CSV', async () => {
    const admin = await invite(t, t.client.id, 'admin');
    const page = await newPage();
    await page.goto(`${base}/dashboard`);
    await page.waitForURL(/\/dashboard\/sign-in$/);
    await capture(page, '01-sign-in');
    await signIn(page, admin.email);

    const to = seeded.lastDay;
    const from = (await page.locator('input[name=from]').inputValue()) || '';
    const e = expectedFigures(items, BPS, from, to);
    const shown = {
      new: await text(page, 'users-new'),
      total: await text(page, 'users-total'),
      active: await text(page, 'users-active'),
      volume: await text(page, 'tx-total-volume'),
      instant: await text(page, 'tx-instant-volume'),
      standard: await text(page, 'tx-standard-volume'),
      count: await text(page, 'tx-count'),
      average: await text(page, 'tx-average'),
      perUser: await text(page, 'tx-average-user'),
      fees: await text(page, 'tx-fees'),
      revenue: await text(page, 'tx-revenue'),
    };
    assert.deepEqual(shown, {
      new: '2',
      total: '2',
      active: String(e.active),
      volume: money(e.totalVolume),
      instant: money(e.instantVolume),
      standard: money(e.standardVolume),
      count: String(e.count),
      average: money(e.averageAmount),
      perUser: money(e.averageVolumePerActiveUser),
      fees: money(e.fees),
      revenue: money(e.partnerRevenue),
    });
    assert.ok(Number(e.instantVolume) > 0 && Number(e.standardVolume) > 0, 'the split has both kinds');
    assert.equal(await text(page, 'funnel-top'), String(seeded.funnel.connected));
    const f = seeded.funnel as Record<string, number>;
    for (const key of ['phoneEntered', 'smsVerified', 'kycSubmitted', 'kycApproved', 'bankVerified', 'transacted'])
      assert.equal(
        await text(page, `funnel-${key}`),
        `${percentOf(f[key]!, seeded.funnel.connected).toFixed(2)}%`,
        key,
      );
    await page.getByTestId('revenue-accrued').waitFor();
    assert.equal(
      await text(page, 'revenue-accrued'),
      money(e.partnerRevenue),
      'the ledger owes what the transactions earned',
    );
    await capture(page, '02-reports');

    // The later day alone.
    await page.locator('input[name=from]').fill(seeded.lastDay);
    await page.locator('input[name=to]').fill(seeded.lastDay);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(new RegExp(`from=${seeded.lastDay}&to=${seeded.lastDay}`));
    const day = expectedFigures(items, BPS, seeded.lastDay, seeded.lastDay);
    await page
      .getByTestId('tx-total-volume')
      .filter({ hasText: money(day.totalVolume) })
      .waitFor();
    assert.equal(await text(page, 'tx-count'), String(day.count));
    assert.equal(await text(page, 'funnel-top'), '0');

    // The whole range as CSV.
    await page.goto(`${base}/dashboard?from=${seeded.firstDay}&to=${seeded.lastDay}`);
    await page.getByTestId('tx-total-volume').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    const csv = fs
      .readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    const col = (name: string) => csv[0]!.indexOf(name);
    const all = expectedFigures(items, BPS, seeded.firstDay, seeded.lastDay);
    const cents = (s: string) => BigInt(s.replace('.', ''));
    assert.equal(
      csv.slice(1).reduce((s, r) => s + cents(r[col('total_volume_usd')]!), 0n),
      cents(all.totalVolume),
    );
    assert.equal(
      csv.slice(1).reduce((s, r) => s + cents(r[col('instant_ach_volume_usd')]!), 0n),
      cents(all.instantVolume),
    );
    assert.equal(
      csv.slice(1).reduce((s, r) => s + Number(r[col('transactions')]), 0),
      all.count,
    );

    // The other pages, as the admin sees them.
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('link', { name: /S\./ }).first().waitFor();
    await capture(page, '03-users');
    await page.getByLabel('Search users').fill(seeded.buyers[0]!.email);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/users\?q=/);
    await page.getByRole('link', { name: /S\./ }).first().click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    await page.getByRole('cell', { name: 'Instant ACH' }).first().waitFor();
    await capture(page, '04-user');
    await page.getByLabel('Crypto status').selectOption('FAILED');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No activity matches.').waitFor();
    await page.getByRole('link', { name: 'Request log' }).click();
    await page
      .getByRole('cell', { name: /POST \/v1\/users\/:userId\/banks\/:bankId\/ach/ })
      .first()
      .waitFor();
    await capture(page, '05-requests');
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('cell', { name: admin.email }).waitFor();
    await capture(page, '06-members');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  test('webhooks: created here with the secret shown once; a test event is delivered, replayed, and signed with a rotated secret', async () => {
    const admin = await invite(t, t.client.id, 'admin');
    const page = await newPage();
    await signIn(page, admin.email);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('button', { name: 'New webhook' }).click();
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel(/^Name/).fill('Partner backend');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const secret = await page.getByTestId('secret-value').inputValue();
    assert.match(secret, /^whsec_/);
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByTestId('secret-value').count(), 0, 'the secret is shown once');
    await capture(page, '07-webhooks');

    const before = receiver.requests.length;
    await page.getByRole('button', { name: 'Send test event' }).click();
    await receiver.waitFor((r) => r.length > before, 'the test event');
    const first = receiver.requests[before]!;
    assert.equal(JSON.parse(first.raw).event, 'WEBHOOK_TEST');
    assert.ok(verifyRatio(first, secret), 'signed with the secret shown');

    await page.getByRole('link', { name: 'Deliveries' }).click();
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    const row = page.locator('tr[data-delivery]').first();
    for (let i = 0; i < 50 && !(await row.textContent())?.includes('SUCCEEDED'); i++) {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(200);
    }
    await row.getByText('SUCCEEDED').waitFor();
    await row.getByRole('button', { name: 'Replay' }).click();
    await receiver.waitFor((r) => r.length > before + 1, 'the replay');
    const replayed = receiver.requests[before + 1]!;
    assert.equal(JSON.parse(replayed.raw).id, JSON.parse(first.raw).id, 'a replay is the same event');
    for (let i = 0; i < 50 && !(await row.textContent())?.includes('#2'); i++) {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(200);
    }
    await row.getByText(/#2/).waitFor();
    await capture(page, '08-deliveries');

    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await page.getByTestId('secret-value').inputValue();
    assert.notEqual(rotated, secret);
    await page.getByRole('button', { name: 'Done' }).click();
    const n = receiver.requests.length;
    await page.getByRole('button', { name: 'Send test event' }).click();
    await receiver.waitFor((r) => r.length > n, 'a test event after the rotation');
    assert.ok(verifyRatio(receiver.requests[n]!, rotated), 'signed with the new secret');
    const audit = await t.db.db.selectFrom('audit_log').select('action').where('actor_type', '=', 'MEMBER').execute();
    for (const action of [
      'dashboard.webhook.create',
      'dashboard.webhook.test',
      'dashboard.webhook.replay',
      'dashboard.webhook.rotate_secret',
    ])
      assert.ok(
        audit.some((a) => a.action === action),
        action,
      );
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  test('API keys: the client secret is rotated here and the new one works (the old one during the overlap)', async () => {
    const admin = await invite(t, t.client.id, 'admin');
    const page = await newPage();
    await signIn(page, admin.email);
    await page.getByRole('link', { name: 'API keys' }).click();
    assert.equal(await text(page, 'client-id'), t.client.id);
    await capture(page, '09-keys');
    await page.getByRole('button', { name: 'Rotate client secret' }).click();
    const secret = await page.getByTestId('secret-value').inputValue();
    assert.match(secret, /^sk_sandbox_/);
    const call = (s: string) =>
      fetch(`${base}/v1/config`, { headers: { 'ratio-client-id': t.client.id, 'ratio-client-secret': s } });
    assert.equal((await call(secret)).status, 200, 'the new secret works');
    assert.equal((await call(t.client.secret)).status, 200, 'the old one during the overlap');
    assert.equal((await call(`${secret}x`)).status, 401);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByText(/stops working/).waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  test("a viewer is refused admin actions; another client's member is refused everything of this client", async () => {
    const webhook = await register(
      t,
      { clientId: t.client.id, headers: t.clientHeaders },
      { url: receiver.url, events: ['KYC_UPDATED'] },
    );
    const viewer = await invite(t, t.client.id, 'viewer');
    const page = await newPage();
    await signIn(page, viewer.email);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.locator('li.webhook').first().waitFor();
    assert.equal(
      await page.getByRole('button', { name: /New webhook|Rotate secret|Send test event|Delete/ }).count(),
      0,
    );
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByTestId('client-id').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Rotate client secret' }).count(), 0);
    const refused = await page.evaluate(async () => {
      const session = await (await fetch('/dashboard/api/session')).json();
      const res = await fetch('/dashboard/api/keys/rotate', {
        method: 'POST',
        headers: { 'x-csrf-token': session.csrfToken },
      });
      return { status: res.status, code: (await res.json()).code };
    });
    assert.deepEqual(refused, { status: 403, code: 'DASHBOARD_ADMIN_REQUIRED' });
    await page.context().close();

    const other = await newPartner(t, 'Another partner');
    const outsider = await invite(t, other.clientId, 'admin');
    const op = await newPage();
    await signIn(op, outsider.email);
    assert.equal(await text(op, 'tx-total-volume'), '$0.00', "none of this client's volume");
    assert.equal(await text(op, 'users-total'), '0');
    await op.goto(`${base}/dashboard/users/${seeded.buyers[0]!.id}`);
    await op.getByText(/NOT_FOUND_USER/).waitFor();
    await op.goto(`${base}/dashboard/webhooks/${webhook.id}`);
    await op.getByText(/NOT_FOUND_WEBHOOK/).waitFor();
    const statuses = await op.evaluate(
      async ([userId, webhookId]) => {
        const session = await (await fetch('/dashboard/api/session')).json();
        const w = { method: 'POST', headers: { 'x-csrf-token': session.csrfToken } };
        return [
          (await fetch(`/dashboard/api/users/${userId}/activity`)).status,
          (await fetch(`/dashboard/api/webhooks/${webhookId}/deliveries`)).status,
          (await fetch(`/dashboard/api/webhooks/${webhookId}/test`, w)).status,
          (await fetch(`/dashboard/api/webhooks/${webhookId}/rotate-secret`, w)).status,
          (await (await fetch('/dashboard/api/users')).json()).items.length,
          (await (await fetch('/dashboard/api/webhooks')).json()).items.length,
          (await (await fetch('/dashboard/api/requests')).json()).items.length,
        ];
      },
      [seeded.buyers[0]!.id, webhook.id],
    );
    assert.deepEqual(statuses, [404, 404, 404, 404, 0, 0, 0]);
    assert.deepEqual(problems, []);
    await op.context().close();
  });
});
