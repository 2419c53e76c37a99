// The reports, as a partner sees them: figures equal to what the test computes from the activity the
// API returns (docs/dashboard.md), the funnel's percentages, the Instant/Standard split, a date
// filter, the CSV, the partner revenue share in the ledger (accrued when earned, reversed on a
// return, reconciled with `ledger check`), and the request log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  dashboardSignIn,
  expectedFigures,
  invite,
  percentOf,
  seedReports,
  type ActivityForReport,
} from '../../../test/dashboard.ts';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { runCommand } from '../../operator/run.ts';
import { balances, checkLedger } from '../ledger/index.ts';
import { revenueShareAccounts } from '../purchases/revenue-share.ts';
import { requestLogOf } from './index.ts';

const BPS = 2000;
let t: TestApp;
let seeded: Awaited<ReturnType<typeof seedReports>>;
let items: Array<ActivityForReport & { userId: string }>;
let admin: Awaited<ReturnType<typeof dashboardSignIn>>;

before(async () => {
  t = await startTestApp({ listen: true, workers: true });
  const set = await runCommand(t.ctx, ['clients', 'update', t.client.id, '--revenue-share-bps', String(BPS)]);
  assert.equal(set.exitCode, 0, set.error);
  seeded = await seedReports(t, baseUrl(t));
  items = [];
  for (const user of seeded.buyers) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/users/${user.id}/activity?pageSize=100`,
      headers: user.headers,
    });
    assert.equal(res.statusCode, 200, res.body);
    for (const item of res.json().items) items.push({ ...item, userId: user.id });
  }
  admin = await dashboardSignIn(t, (await invite(t, t.client.id, 'admin')).email);
});
after(async () => t?.close());

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: admin.read });

describe('dashboard reports', () => {
  test('the overview equals the figures computed from the API: users, transactions, the split, fees and partner revenue', async () => {
    const res = await get('/dashboard/api/overview');
    assert.equal(res.statusCode, 200, res.body);
    const o = res.json();
    assert.equal(o.range.to, seeded.lastDay, 'the range ends on the sandbox clock');
    const e = expectedFigures(items, BPS, o.range.from, o.range.to);
    assert.deepEqual(
      {
        totalVolume: o.transactions.totalVolume,
        instantVolume: o.transactions.instantVolume,
        standardVolume: o.transactions.standardVolume,
        count: o.transactions.count,
        active: o.users.active,
        averageAmount: o.transactions.averageAmount,
        averageVolumePerActiveUser: o.transactions.averageVolumePerActiveUser,
        fees: o.transactions.fees,
        partnerRevenue: o.transactions.partnerRevenue,
      },
      e,
    );
    assert.ok(Number(e.instantVolume) > 0 && Number(e.standardVolume) > 0, 'both kinds of ACH are in the data');
    assert.ok(
      items.some((i) => i.fiat.status === 'FAILED' && i.crypto.status === 'COMPLETED'),
      'a returned INSTANT purchase is in the data',
    );
    assert.deepEqual(o.users, { new: 2, total: 2, active: 2 }, 'two fully onboarded users, both active');
  });

  test('the funnel counts each step from a new wallet connected, as a percentage of the top', async () => {
    const o = (await get('/dashboard/api/overview')).json();
    assert.equal(o.funnel.top, seeded.funnel.connected);
    const f = seeded.funnel as Record<string, number>;
    assert.deepEqual(
      o.funnel.steps.map((s: { key: string; count: number; percent: number }) => [s.key, s.count, s.percent]),
      ['phoneEntered', 'smsVerified', 'kycSubmitted', 'kycApproved', 'bankVerified', 'transacted'].map((k) => [
        k,
        f[k],
        percentOf(f[k]!, seeded.funnel.connected),
      ]),
    );
  });

  test('a date range keeps only its days; the series and the CSV add up to the totals', async () => {
    const day = await get(`/dashboard/api/overview?from=${seeded.lastDay}&to=${seeded.lastDay}`);
    const d = day.json();
    const e = expectedFigures(items, BPS, seeded.lastDay, seeded.lastDay);
    assert.equal(d.transactions.totalVolume, e.totalVolume);
    assert.equal(d.transactions.count, 1);
    assert.equal(d.funnel.top, 0, 'no new wallet on the later day');
    assert.equal(d.users.new, 0);
    assert.equal(d.users.total, 2, 'total counts everyone onboarded by the end of the range');

    const all = (await get(`/dashboard/api/overview?from=${seeded.firstDay}&to=${seeded.lastDay}`)).json();
    const points = all.series.points as Array<{ bucket: string; totalVolume: string; transactions: number }>;
    assert.equal(points.length, 9, 'one bucket per day, empty days included');
    const cents = (s: string) => BigInt(s.replace('.', ''));
    assert.equal(
      points.reduce((s, p) => s + cents(p.totalVolume), 0n),
      cents(all.transactions.totalVolume),
    );

    const csv = await get(`/dashboard/api/overview.csv?from=${seeded.firstDay}&to=${seeded.lastDay}`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="onramp-/);
    const rows = csv.body
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    assert.equal(rows.length - 1, 9);
    assert.equal(
      rows.slice(1).reduce((s, r) => s + cents(r[col('total_volume_usd')]!), 0n),
      cents(all.transactions.totalVolume),
    );
    assert.equal(
      rows.slice(1).reduce((s, r) => s + Number(r[col('transactions')]), 0),
      all.transactions.count,
    );
    assert.equal(
      rows.slice(1).reduce((s, r) => s + cents(r[col('partner_revenue_usd')]!), 0n),
      cents(all.transactions.partnerRevenue),
    );
  });

  test('partner revenue is in the ledger: accrued when the fee is earned, reversed on the return, balanced', async () => {
    const shares = await t.db.db.selectFrom('revenue_shares').selectAll().execute();
    assert.ok(shares.some((s) => s.status === 'REVERSED' && s.reversal_reason === 'ACH_RETURNED'));
    const owed = await balances(t.db.db, revenueShareAccounts.payable(t.client.id), 'USD');
    const r = (await get('/dashboard/api/revenue')).json();
    assert.equal(r.revenueShareBps, BPS);
    const cents = (s: string) => BigInt(s.replace('.', ''));
    assert.equal(cents(r.accrued), -owed.posted);
    const all = (await get(`/dashboard/api/overview?from=${seeded.firstDay}&to=${seeded.lastDay}`)).json();
    assert.equal(r.accrued, all.transactions.partnerRevenue, 'what is owed equals the revenue of the transactions');
    const month = r.byMonth.reduce((s: bigint, m: { net: string }) => s + cents(m.net), 0n);
    assert.equal(month, cents(r.accrued));
    assert.ok(r.byMonth.some((m: { reversed: string }) => cents(m.reversed) > 0n));
    const check = await checkLedger(t.db.db);
    assert.equal(check.ok, true, JSON.stringify(check));
  });

  test('the request log lists the partner API calls by route pattern and status, without ids or bodies', async () => {
    await t.app.inject({ method: 'POST', url: '/v1/auth/cryptoWallet:start', headers: t.clientHeaders, payload: {} });
    await requestLogOf(t.ctx).flush();
    const res = await get('/dashboard/api/requests?pageSize=200');
    assert.equal(res.statusCode, 200);
    const rows = res.json().items as Array<{
      route: string;
      status: number;
      method: string;
      errorCode?: string;
      requestId: string;
    }>;
    assert.ok(
      rows.some((r) => r.route === '/v1/users/:userId/banks/:bankId/ach' && r.method === 'POST' && r.status < 300),
    );
    const bad = rows.find((r) => r.route === '/v1/auth/cryptoWallet:start' && r.status === 400);
    assert.ok(bad?.errorCode, 'the error code of a 400 is recorded');
    assert.ok(
      rows.some((r) => r.route === '/v1/users/:userId/banks:requestLink'),
      'routes as partners write them',
    );
    for (const user of seeded.buyers) assert.doesNotMatch(res.body, new RegExp(user.id), 'no user ids');
    const errors = (await get('/dashboard/api/requests?status=4xx')).json().items as Array<{ status: number }>;
    assert.ok(errors.length > 0 && errors.every((r) => r.status >= 400 && r.status < 500));
  });
});
