// Buying crypto by ACH, as a partner does it: a user signed in with a wallet and SMS, created, KYC'd,
// with a bank linked through the built-in Plaid sandbox, buys through the API; the sandbox clock is
// advanced so the debit settles (or is returned), and the crypto is read back from the chain with viem.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { erc20Abi, parseUnits } from 'viem';
import { post, withJwt } from '../../../test/auth.ts';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { buy, readyBuyer, signInAgain, waitForActivity, type BuyerUser } from '../../../test/purchases.ts';
import { waitForEmail } from '../../../test/users.ts';
import { activeFlags } from '../flags/index.ts';
import { balances } from '../ledger/index.ts';
import { checkLedger } from '../ledger/check.ts';

let t: TestApp;
let base: string;

before(async () => {
  t = await startTestApp({ listen: true, workers: true });
  base = baseUrl(t);
});
after(async () => t?.close());

async function advanceDays(days: number) {
  const res = await post(t, '/sandbox/clock:advance', { days });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function ethBalance(address: `0x${string}`): Promise<bigint> {
  return t.ctx.chains.publicClient('ETHEREUM').getBalance({ address });
}

async function usdcBalance(network: 'ETHEREUM' | 'POLYGON', address: `0x${string}`): Promise<bigint> {
  return t.ctx.chains.publicClient(network).readContract({
    address: t.ctx.chains.usdcAddress(network),
    abi: erc20Abi,
    functionName: 'balanceOf',
    args: [address],
  });
}

async function events(activityId: string) {
  const rows = await t.db.db
    .selectFrom('events')
    .selectAll()
    .where('type', '=', 'ACTIVITY_UPDATED')
    .orderBy('created_at')
    .execute();
  return rows
    .filter((r) => r.data.id === activityId)
    .map((r) => r.data as { fiat: { status: string }; crypto: { status: string; transactionHash?: string } });
}

async function flags(userId: string) {
  return (await activeFlags(t.db.db, userId)).map((f) => f.code);
}

describe('buying crypto by ACH (buy-crypto-ach.md, sandbox-testing.md)', () => {
  let user: BuyerUser;

  test('the whole journey: INSTANT ETH arrives at once; STANDARD USDC after the debit settles', async () => {
    user = await readyBuyer(t, base, { kyc: 'api' });

    const limits = await post(t, `/v1/users/${user.id}:calculateAchLimits`, undefined, user.headers);
    assert.equal(limits.statusCode, 200, limits.body);
    assert.deepEqual(limits.json().instant, { currency: 'USD', limit: '3000.00', used: '0.00', remaining: '3000.00' });

    // INSTANT: the crypto is sent at once, at the quoted rate.
    const ethBefore = await ethBalance(user.walletAddress);
    const instant = await buy(t, user, { fiatAmount: '25', cryptoCurrency: 'ETH', type: 'INSTANT' });
    assert.equal(instant.statusCode, 201, instant.body);
    const item = instant.json().activityItem;
    assert.equal(item.fiat.status, 'PENDING');
    assert.equal(item.crypto.status, 'PENDING');
    assert.equal(item.fiat.amount, '25.00');
    assert.equal(item.fiat.currency, 'USD');
    assert.equal(item.fiat.fundingMethod, 'ACH_ORIGINATED_INSTANT');
    assert.equal(item.fiat.bankAccount.id, user.bankId);
    assert.equal(item.crypto.wallet.id, user.walletId);
    assert.equal(item.crypto.currency, 'ETH');
    assert.equal(item.metadata.ratioFee, '0.75', '3% of $25');
    assert.equal(item.metadata.estimated, false);

    const sent = await waitForActivity(t, user, item.id, (a) => a.crypto.status === 'COMPLETED');
    assert.match(sent.crypto.transactionHash!, /^0x[0-9a-f]{64}$/);
    assert.equal(sent.fiat.status, 'PENDING', 'the debit settles later');
    const receipt = await t.ctx.chains
      .publicClient('ETHEREUM')
      .getTransactionReceipt({ hash: sent.crypto.transactionHash as `0x${string}` });
    assert.equal(receipt.status, 'success');
    assert.equal(
      (await ethBalance(user.walletAddress)) - ethBefore,
      parseUnits(sent.crypto.amount, 18),
      'the wallet received exactly the amount shown',
    );
    await waitForEmail(t, user.email, /complete/i);

    const used = await post(t, `/v1/users/${user.id}:calculateAchLimits`, undefined, user.headers);
    assert.deepEqual(used.json().instant, { currency: 'USD', limit: '3000.00', used: '25.00', remaining: '2975.00' });
    assert.equal(used.json().daily.used, '25.00');

    // STANDARD: nothing is sent until the debit settles (3 business days); the amount is an estimate.
    const usdcBefore = await usdcBalance('POLYGON', user.walletAddress);
    const standard = await buy(t, user, { fiatAmount: '30', cryptoCurrency: 'USDC_POLYGON', type: 'STANDARD' });
    assert.equal(standard.statusCode, 201, standard.body);
    const std = standard.json().activityItem;
    assert.equal(std.fiat.fundingMethod, 'ACH_ORIGINATED_STANDARD');
    assert.equal(std.metadata.estimated, true);
    assert.equal(std.metadata.ratioFee, '0.00', 'STANDARD is free');
    const originated = await waitForActivity(
      t,
      user,
      std.id,
      (a) => typeof a.metadata.expectedSettlementDate === 'string',
    );
    assert.equal(originated.crypto.status, 'PENDING');
    await waitForEmail(t, user.email, /submitted/i);

    const moved = await advanceDays(8);
    assert.ok(moved.settlement.settled >= 2, JSON.stringify(moved));
    await signInAgain(t, user);

    const settledInstant = await waitForActivity(t, user, item.id, (a) => a.fiat.status === 'COMPLETED');
    assert.equal(settledInstant.crypto.status, 'COMPLETED');
    const done = await waitForActivity(t, user, std.id, (a) => a.crypto.status === 'COMPLETED');
    assert.equal(done.fiat.status, 'COMPLETED');
    assert.equal(done.metadata.estimated, false, 'the rate was fixed when the transfer was broadcast');
    assert.equal((await usdcBalance('POLYGON', user.walletAddress)) - usdcBefore, parseUnits(done.crypto.amount, 6));

    // Every state change was published, in order, with the item as the API showed it.
    const published = await events(item.id);
    // Created, originated, [broadcast — may be overtaken by the confirmation], confirmed, settled.
    const seen = published.map((e) => `${e.fiat.status}/${e.crypto.status}`);
    assert.deepEqual(seen.slice(-2), ['PENDING/COMPLETED', 'COMPLETED/COMPLETED'], seen.join(' '));
    assert.ok(seen.length >= 4 && seen.slice(0, -2).every((s) => s === 'PENDING/PENDING'), seen.join(' '));
    assert.equal(published.at(-1)!.crypto.transactionHash, sent.crypto.transactionHash);

    // The activity list shows both, newest first.
    const list = await t.app.inject({ method: 'GET', url: `/v1/users/${user.id}/activity`, headers: user.headers });
    assert.deepEqual(
      list.json().items.map((i: { id: string }) => i.id),
      [std.id, item.id],
    );

    // The ledger: fees earned, the receivables cleared, every journal balanced.
    assert.equal((await balances(t.db.db, `user:${user.id}:ach_receivable:INSTANT`, 'USD')).posted, 0n);
    assert.equal((await balances(t.db.db, `user:${user.id}:orders`, 'USD')).posted, 0n);
    assert.ok((await balances(t.db.db, 'platform:fees', 'USD')).posted <= -75n);
    assert.equal((await checkLedger(t.db.db)).ok, true);
    assert.deepEqual(await flags(user.id), []);
  });

  test('STANDARD over $50 is returned (R01): both legs FAILED, no crypto sent, the user flagged F1001', async () => {
    const buyer = await readyBuyer(t, base);
    const res = await buy(t, buyer, { fiatAmount: '60', cryptoCurrency: 'USDC_ETHEREUM', type: 'STANDARD' });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().activityItem.id;
    await waitForActivity(t, buyer, id, (a) => typeof a.metadata.expectedSettlementDate === 'string');
    await advanceDays(8);
    await signInAgain(t, buyer);
    const failed = await waitForActivity(t, buyer, id, (a) => a.fiat.status === 'FAILED');
    assert.equal(failed.crypto.status, 'FAILED');
    assert.equal(failed.metadata.failureReason, 'ACH_RETURNED');
    assert.equal(failed.metadata.achReturnCode, 'R01');
    assert.equal(failed.crypto.transactionHash, undefined);
    assert.deepEqual(await flags(buyer.id), ['F1001']);
    const blocked = await buy(t, buyer, { fiatAmount: '20', cryptoCurrency: 'USDC_ETHEREUM', type: 'STANDARD' });
    assert.equal(blocked.statusCode, 403, blocked.body);
    assert.equal(blocked.json().code, 'USER_BLOCKED');
    // The voided purchase does not count against the limits.
    assert.equal((await balances(t.db.db, `user:${buyer.id}:ach_receivable:STANDARD`, 'USD')).pending, 0n);
  });

  test('INSTANT over $50: the crypto is sent, the debit is returned: fiat FAILED, crypto COMPLETED, delinquency F1000', async () => {
    const buyer = await readyBuyer(t, base);
    const res = await buy(t, buyer, { fiatAmount: '60', cryptoCurrency: 'USDC_POLYGON', type: 'INSTANT' });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().activityItem.id;
    const sent = await waitForActivity(t, buyer, id, (a) => a.crypto.status === 'COMPLETED');
    assert.match(sent.crypto.transactionHash!, /^0x[0-9a-f]{64}$/);
    await advanceDays(8);
    await signInAgain(t, buyer);
    const returned = await waitForActivity(t, buyer, id, (a) => a.fiat.status === 'FAILED');
    assert.equal(returned.crypto.status, 'COMPLETED');
    assert.deepEqual(await flags(buyer.id), ['F1000']);
    assert.equal(
      (await balances(t.db.db, `user:${buyer.id}:delinquent`, 'USD')).posted,
      6000n,
      'the user owes the $60',
    );
    assert.equal((await checkLedger(t.db.db)).ok, true);
  });

  test('$123.45 fails the risk check: both legs FAILED, nothing debited or sent, F1004', async () => {
    const buyer = await readyBuyer(t, base);
    const res = await buy(t, buyer, { fiatAmount: '123.45', cryptoCurrency: 'ETH', type: 'INSTANT' });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().activityItem.id;
    const failed = await waitForActivity(t, buyer, id, (a) => a.crypto.status === 'FAILED');
    assert.equal(failed.fiat.status, 'FAILED');
    assert.equal(failed.metadata.failureReason, 'RISK_REJECTED');
    assert.deepEqual(await flags(buyer.id), ['F1004']);
    assert.equal(
      await t.db.db.selectFrom('payouts').select('id').where('id', '=', id).executeTakeFirst(),
      undefined,
      'nothing sent',
    );
  });

  test('limits hold under concurrent purchases: 20 at once, exactly 4 pass (4 per rolling 24 hours)', async () => {
    const buyer = await readyBuyer(t, base);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        buy(t, buyer, { fiatAmount: '20', cryptoCurrency: 'USDC_POLYGON', type: 'INSTANT' }),
      ),
    );
    const codes = results.map((r) => (r.statusCode === 201 ? 'OK' : r.json().code)).sort();
    assert.deepEqual(codes, [...Array(16).fill('EXCEEDS_LIMIT_TRANSACTIONS'), 'OK', 'OK', 'OK', 'OK']);
    const purchases = await t.db.db.selectFrom('purchases').select('id').where('user_id', '=', buyer.id).execute();
    assert.equal(purchases.length, 4);
  });

  test('the instant dollar limit holds under 20 concurrent purchases: exactly the 3 that fit pass', async () => {
    const buyer = await readyBuyer(t, base);
    const before = (await post(t, `/v1/users/${buyer.id}:calculateAchLimits`, undefined, buyer.headers)).json().instant;
    assert.equal(before.limit, '3000.00');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        buy(t, buyer, { fiatAmount: '1000', cryptoCurrency: 'USDC_POLYGON', type: 'INSTANT' }),
      ),
    );
    const codes = results.map((r) => (r.statusCode === 201 ? 'OK' : r.json().code)).sort();
    assert.deepEqual(codes, [...Array(17).fill('EXCEEDS_LIMIT_ACH'), 'OK', 'OK', 'OK']);
    assert.ok(results.filter((r) => r.statusCode !== 201).every((r) => r.json().data.limit === 'instant'));
    const limits = (await post(t, `/v1/users/${buyer.id}:calculateAchLimits`, undefined, buyer.headers)).json();
    assert.deepEqual(limits.instant, { currency: 'USD', limit: '3000.00', used: '3000.00', remaining: '0.00' });
    const purchases = await t.db.db.selectFrom('purchases').select('id').where('user_id', '=', buyer.id).execute();
    assert.equal(purchases.length, 3);
  });

  test('the daily dollar limit holds under concurrent purchases', async () => {
    const buyer = await readyBuyer(t, base);
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        buy(t, buyer, { fiatAmount: '1500', cryptoCurrency: 'USDC_POLYGON', type: 'STANDARD' }),
      ),
    );
    const codes = results.map((r) => (r.statusCode === 201 ? 'OK' : r.json().code)).sort();
    assert.deepEqual(codes, ['EXCEEDS_LIMIT_ACH', 'OK', 'OK', 'OK']);
    const refused = results.find((r) => r.statusCode !== 201)!.json();
    assert.equal(refused.data.limit, 'daily');
    assert.equal(refused.data.remaining, '500.00');
    const limits = await post(t, `/v1/users/${buyer.id}:calculateAchLimits`, undefined, buyer.headers);
    assert.deepEqual(limits.json().daily, { currency: 'USD', limit: '5000.00', used: '4500.00', remaining: '500.00' });
  });

  test('Idempotency-Key: a retried purchase replays the first answer and buys once; another body is IDEMPOTENCY_KEY_REUSED', async () => {
    const buyer = await readyBuyer(t, base);
    const key = { ...buyer.headers, 'idempotency-key': `retry-${buyer.id}` };
    const body = { fiatAmount: '21', cryptoCurrency: 'USDC_POLYGON', type: 'INSTANT' };
    const first = await buy(t, buyer, body, key);
    assert.equal(first.statusCode, 201, first.body);
    const again = await buy(t, buyer, body, key);
    assert.equal(again.statusCode, 201, again.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body, first.body);
    const id = first.json().activityItem.id;
    const purchases = await t.db.db.selectFrom('purchases').select('id').where('user_id', '=', buyer.id).execute();
    assert.deepEqual(
      purchases.map((p) => p.id),
      [id],
    );
    const other = await buy(t, buyer, { ...body, fiatAmount: '22' }, key);
    assert.equal(other.statusCode, 422, other.body);
    assert.equal(other.json().code, 'IDEMPOTENCY_KEY_REUSED');
    await waitForActivity(t, buyer, id, (a) => a.crypto.status === 'COMPLETED');
    const limits = await post(t, `/v1/users/${buyer.id}:calculateAchLimits`, undefined, buyer.headers);
    assert.equal(limits.json().instant.used, '21.00', 'counted once');
  });

  test('Idempotency-Key past its 24 h retention starts a new purchase: the old one is never replayed for it', async () => {
    const buyer = await readyBuyer(t, base);
    const key = `retained-${buyer.id}`;
    const body = { fiatAmount: '21', cryptoCurrency: 'USDC_POLYGON', type: 'INSTANT' };
    const first = await buy(t, buyer, body, { ...buyer.headers, 'idempotency-key': key });
    assert.equal(first.statusCode, 201, first.body);
    await waitForActivity(t, buyer, first.json().activityItem.id, (a) => a.crypto.status === 'COMPLETED');
    const advanced = await post(t, '/sandbox/clock:advance', { hours: 25 });
    assert.equal(advanced.statusCode, 200, advanced.body);
    const headers = { ...(await signInAgain(t, buyer)), 'idempotency-key': key };
    const later = await buy(t, buyer, { ...body, fiatAmount: '24' }, headers);
    assert.equal(later.statusCode, 201, later.body);
    assert.equal(later.headers['idempotent-replayed'], undefined);
    assert.notEqual(later.json().activityItem.id, first.json().activityItem.id);
    assert.equal(later.json().activityItem.fiat.amount, '24.00');
    const replay = await buy(t, buyer, { ...body, fiatAmount: '24' }, headers);
    assert.equal(replay.headers['idempotent-replayed'], 'true', 'the new request is what the key replays now');
    assert.equal(replay.json().activityItem.id, later.json().activityItem.id);
    const purchases = await t.db.db.selectFrom('purchases').select('id').where('user_id', '=', buyer.id).execute();
    assert.equal(purchases.length, 2);
  });

  test('Idempotency-Key under concurrency: 10 parallel requests with one key buy exactly once', async () => {
    const buyer = await readyBuyer(t, base);
    const key = { ...buyer.headers, 'idempotency-key': `parallel-${buyer.id}` };
    const body = { fiatAmount: '23', cryptoCurrency: 'USDC_POLYGON', type: 'INSTANT' };
    const results = await Promise.all(Array.from({ length: 10 }, () => buy(t, buyer, body, key)));
    const created = results.filter((r) => r.statusCode === 201);
    const busy = results.filter((r) => r.statusCode === 409);
    assert.equal(created.length + busy.length, 10, results.map((r) => `${r.statusCode} ${r.body}`).join('\n'));
    assert.ok(busy.every((r) => r.json().code === 'IDEMPOTENCY_KEY_IN_USE'));
    assert.ok(created.length >= 1);
    const ids = new Set(created.map((r) => r.json().activityItem.id));
    assert.equal(ids.size, 1, 'every success is the same purchase');
    assert.ok(created.every((r) => r.body === created[0]!.body));
    const purchases = await t.db.db.selectFrom('purchases').select('id').where('user_id', '=', buyer.id).execute();
    assert.deepEqual(
      purchases.map((p) => p.id),
      [...ids],
    );
    const activity = await t.app.inject({
      method: 'GET',
      url: `/v1/users/${buyer.id}/activity`,
      headers: buyer.headers,
    });
    assert.equal(activity.statusCode, 200, activity.body);
    assert.deepEqual(
      activity.json().items.map((a: { id: string }) => a.id),
      [...ids],
    );
    const again = await buy(t, buyer, body, key);
    assert.equal(again.statusCode, 201);
    assert.equal(again.json().activityItem.id, [...ids][0]);
    const limits = await post(t, `/v1/users/${buyer.id}:calculateAchLimits`, undefined, buyer.headers);
    assert.equal(limits.json().instant.used, '23.00', 'counted once');
  });

  test('checks before buying: two factors, KYC, bank, wallet, amounts', async () => {
    const buyer = await readyBuyer(t, base);
    const oneFactor = (await (await import('../../../test/auth.ts')).walletSignIn(t, buyer.account)).json()
      .sessionJwt as string;
    const mfa = await buy(
      t,
      buyer,
      { fiatAmount: '20', cryptoCurrency: 'ETH', type: 'INSTANT' },
      withJwt(t.clientHeaders, oneFactor),
    );
    assert.equal(mfa.json().code, 'MFA_REQUIRED');
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ fiatAmount: '19.99', cryptoCurrency: 'ETH', type: 'INSTANT' }, 400, 'INVALID_FIAT_AMOUNT'],
      [{ fiatAmount: 'ten', cryptoCurrency: 'ETH', type: 'INSTANT' }, 400, 'INVALID_FIAT_AMOUNT'],
      [{ fiatAmount: '20', cryptoCurrency: 'BTC', type: 'INSTANT' }, 400, 'INVALID_CRYPTO_CURRENCY'],
      [{ fiatAmount: '20', cryptoCurrency: 'ETH', type: 'SLOW' }, 400, 'INVALID_TYPE'],
      [{ fiatAmount: '20', cryptoCurrency: 'ETH', type: 'INSTANT', walletId: 'x' }, 400, 'INVALID_WALLET_ID'],
      [
        { fiatAmount: '20', cryptoCurrency: 'ETH', type: 'INSTANT', walletId: '00000000-0000-4000-8000-000000000000' },
        404,
        'NOT_FOUND_WALLET',
      ],
      [{ cryptoCurrency: 'ETH', type: 'INSTANT' }, 400, 'MISSING_FIAT_AMOUNT'],
      [{ fiatAmount: '5000.01', cryptoCurrency: 'ETH', type: 'STANDARD' }, 422, 'EXCEEDS_LIMIT_ACH'],
      [{ fiatAmount: '3000.01', cryptoCurrency: 'ETH', type: 'INSTANT' }, 422, 'EXCEEDS_LIMIT_ACH'],
    ];
    for (const [body, status, code] of cases) {
      const res = await buy(t, buyer, body);
      assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json().code, code, JSON.stringify(body));
    }
    const noBank = await post(
      t,
      `/v1/users/${buyer.id}/banks/00000000-0000-4000-8000-000000000000/ach`,
      { fiatAmount: '20', cryptoCurrency: 'ETH', type: 'INSTANT', walletId: buyer.walletId },
      buyer.headers,
    );
    assert.equal(noBank.statusCode, 404);
    assert.equal(noBank.json().code, 'NOT_FOUND_BANK');
  });
});
