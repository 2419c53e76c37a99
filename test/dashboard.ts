// Dashboard helpers for tests: members invited as the operator does it (`onramp dashboard invite`),
// and sign-in through the emailed code read from the sandbox inbox, giving the cookie and CSRF token.
import { runCommand } from '../src/operator/run.ts';
import { latestCode, newAccount, post, testEmail, testPhone, walletSignIn } from './auth.ts';
import { approvedSsn, buy, readyBuyer, signInAgain, waitForActivity } from './purchases.ts';
import { createApiUser, newUserSession } from './users.ts';
import type { TestApp } from './helpers.ts';

export interface DashboardSession {
  email: string;
  cookie: string;
  csrf: string;
  /** Headers for a read (the cookie). */
  read: Record<string, string>;
  /** Headers for a write (cookie + CSRF token). */
  write: Record<string, string>;
}

export async function invite(t: TestApp, clientId: string, role: 'admin' | 'viewer', email = testEmail()) {
  const outcome = await runCommand(t.ctx, [
    'dashboard',
    'invite',
    '--client',
    clientId,
    '--email',
    email,
    '--role',
    role,
  ]);
  if (outcome.exitCode !== 0) throw new Error(`dashboard invite failed: ${outcome.error}`);
  return { email, id: (outcome.output as { id: string }).id };
}

function cookieOf(setCookie: string | string[] | undefined): string {
  const header = Array.isArray(setCookie) ? setCookie.join('; ') : (setCookie ?? '');
  const match = /onramp_dashboard=([^;]+)/.exec(header);
  if (!match) throw new Error(`no session cookie in ${header}`);
  return `onramp_dashboard=${match[1]}`;
}

/** Email code → verify: a signed-in session for a member. */
export async function dashboardSignIn(t: TestApp, email: string): Promise<DashboardSession> {
  const sent = await t.app.inject({ method: 'POST', url: '/dashboard/api/sign-in/code', payload: { email } });
  if (sent.statusCode !== 200) throw new Error(`sign-in/code: ${sent.body}`);
  const code = await latestCode(t, email);
  const verified = await t.app.inject({
    method: 'POST',
    url: '/dashboard/api/sign-in/verify',
    payload: { signInId: sent.json().signInId, code },
  });
  if (verified.statusCode !== 200) throw new Error(`sign-in/verify: ${verified.body}`);
  const cookie = cookieOf(verified.headers['set-cookie']);
  const csrf = verified.json().csrfToken as string;
  return { email, cookie, csrf, read: { cookie }, write: { cookie, 'x-csrf-token': csrf } };
}

/**
 * A partner's business, made through the API as a partner's users make it, for the reports' tests:
 * wallets that stop at each step of the acquisition funnel, two buyers with INSTANT and STANDARD
 * purchases (one INSTANT returned after delivery), settlement after the sandbox clock moves 8 days,
 * and one more purchase on that later day. `expected` is computed from what the API then returns.
 */
export async function seedReports(t: TestApp, base: string) {
  const kyc = (user: { id: string; headers: Record<string, string> }, ssn: string) =>
    post(
      t,
      `/v1/users/${user.id}/kyc`,
      {
        dateOfBirth: '1990-04-21',
        idType: 'SSN',
        idNumber: ssn,
        line1: '1 Main St',
        city: 'Springfield',
        state: 'IL',
        postalCode: '62701',
      },
      user.headers,
    );
  // The funnel: each wallet goes one step further than the one before.
  const funnel = {
    connected: 0,
    phoneEntered: 0,
    smsVerified: 0,
    kycSubmitted: 0,
    kycApproved: 0,
    bankVerified: 0,
    transacted: 0,
  };
  await walletSignIn(t, newAccount());
  funnel.connected++;
  const w2 = await walletSignIn(t, newAccount());
  await post(
    t,
    '/v1/auth/otp/sms:send',
    { phoneNumber: testPhone() },
    { ...t.clientHeaders, authorization: `Bearer ${w2.json().sessionJwt}` },
  );
  funnel.connected++;
  funnel.phoneEntered++;
  await newUserSession(t);
  funnel.connected++;
  funnel.phoneEntered++;
  funnel.smsVerified++;
  const inReview = await createApiUser(t);
  const submitted = await kyc(inReview, `1${approvedSsn().slice(1)}`);
  if (submitted.statusCode !== 200) throw new Error(`KYC: ${submitted.body}`);
  const kycOnly = await createApiUser(t);
  await kyc(kycOnly, approvedSsn());
  for (let i = 0; i < 2; i++) {
    funnel.connected++;
    funnel.phoneEntered++;
    funnel.smsVerified++;
    funnel.kycSubmitted++;
  }
  funnel.kycApproved++;
  const a = await readyBuyer(t, base, { kyc: 'api' });
  const b = await readyBuyer(t, base, { kyc: 'api' });
  for (let i = 0; i < 2; i++) {
    funnel.connected++;
    funnel.phoneEntered++;
    funnel.smsVerified++;
    funnel.kycSubmitted++;
    funnel.kycApproved++;
    funnel.bankVerified++;
    funnel.transacted++;
  }
  const ok = (res: { statusCode: number; body: string }) => {
    if (res.statusCode !== 201 && res.statusCode !== 202) throw new Error(`purchase: ${res.statusCode} ${res.body}`);
    return (res as unknown as { json(): { activityItem: { id: string } } }).json().activityItem.id;
  };
  const day0 = [
    [a, ok(await buy(t, a, { fiatAmount: '25', cryptoCurrency: 'ETH', type: 'INSTANT' }))],
    [a, ok(await buy(t, a, { fiatAmount: '30', cryptoCurrency: 'USDC_POLYGON', type: 'STANDARD' }))],
    [b, ok(await buy(t, b, { fiatAmount: '60', cryptoCurrency: 'ETH', type: 'INSTANT' }))],
    [b, ok(await buy(t, b, { fiatAmount: '40', cryptoCurrency: 'USDC_POLYGON', type: 'INSTANT' }))],
  ] as const;
  // INSTANT: delivered (the fee is earned) before the debit can settle or be returned; STANDARD: originated.
  for (const [user, id] of day0)
    await waitForActivity(t, user, id, (x) =>
      x.fiat.fundingMethod === 'ACH_ORIGINATED_INSTANT'
        ? x.crypto.status === 'COMPLETED'
        : x.metadata.expectedSettlementDate !== undefined,
    );
  const firstDay = t.ctx.clock.now().toISOString().slice(0, 10);
  const advanced = await post(t, '/sandbox/clock:advance', { days: 8 });
  if (advanced.statusCode !== 200) throw new Error(`clock: ${advanced.body}`);
  for (const [user, id] of day0)
    await waitForActivity(t, user, id, (x) => x.fiat.status !== 'PENDING' && x.crypto.status !== 'PENDING', 120_000);
  // waitForActivity signed the buyers in again once the clock had expired their sessions.
  const probe = await t.app.inject({ method: 'GET', url: `/v1/users/${a.id}`, headers: a.headers });
  if (probe.statusCode === 401) await signInAgain(t, a);
  const later = ok(await buy(t, a, { fiatAmount: '21', cryptoCurrency: 'ETH', type: 'INSTANT' }));
  await waitForActivity(t, a, later, (x) => x.crypto.status === 'COMPLETED');
  const lastDay = t.ctx.clock.now().toISOString().slice(0, 10);
  return { buyers: [a, b], funnel, firstDay, lastDay, others: [inReview, kycOnly] };
}

export interface ActivityForReport {
  createTime: string;
  fiat: { status: string; amount: string; fundingMethod: string };
  crypto: { status: string };
  metadata: { ratioFee: string };
}

/** The reports' figures, computed by the test from the activity the API returns (docs/dashboard.md). */
export function expectedFigures(
  items: Array<ActivityForReport & { userId: string }>,
  bps: number,
  from: string,
  to: string,
) {
  // Amounts come as decimal strings with two decimals ("25.00").
  const cents = (s: string) => BigInt(s.replace('.', ''));
  const usd = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
  const counted = items.filter(
    (i) =>
      i.crypto.status === 'COMPLETED' &&
      i.fiat.status !== 'FAILED' &&
      i.createTime.slice(0, 10) >= from &&
      i.createTime.slice(0, 10) <= to,
  );
  const sum = (list: typeof counted, f: (i: (typeof counted)[number]) => bigint) => list.reduce((s, i) => s + f(i), 0n);
  const instant = counted.filter((i) => i.fiat.fundingMethod === 'ACH_ORIGINATED_INSTANT');
  const standard = counted.filter((i) => i.fiat.fundingMethod !== 'ACH_ORIGINATED_INSTANT');
  const volume = sum(counted, (i) => cents(i.fiat.amount));
  const active = new Set(counted.map((i) => i.userId)).size;
  const round = (n: bigint, d: bigint) => (d === 0n ? 0n : (n * 2n + d) / (2n * d));
  return {
    totalVolume: usd(volume),
    instantVolume: usd(sum(instant, (i) => cents(i.fiat.amount))),
    standardVolume: usd(sum(standard, (i) => cents(i.fiat.amount))),
    count: counted.length,
    active,
    averageAmount: usd(round(volume, BigInt(counted.length))),
    averageVolumePerActiveUser: usd(round(volume, BigInt(active))),
    fees: usd(sum(counted, (i) => cents(i.metadata.ratioFee))),
    partnerRevenue: usd(sum(counted, (i) => (cents(i.metadata.ratioFee) * BigInt(bps)) / 10_000n)),
  };
}

export const percentOf = (count: number, top: number) => (top === 0 ? 0 : Math.round((count * 10_000) / top) / 100);
