// Money that comes back (docs/money-movement.md), as a partner and an operator see it: Plaid's `failed`,
// a late R10 return after settlement and delivery (F1002, a receivable), refunds when the crypto cannot
// be delivered — a STANDARD re-quote refused, a payout reverted on chain — through Plaid Transfer,
// a refund that fails and the operator's retry, and the invariant that a paid purchase ends with its
// crypto or a refund. Everything through the API, the official Plaid client and real chains; the
// ledger checks after every scenario.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PlaidApi } from 'plaid';
import { post } from '../../../test/auth.ts';
import { until } from '../../../test/ach.ts';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { buy, readyBuyer, signInAgain, waitForActivity, type BuyerUser } from '../../../test/purchases.ts';
import { waitForEmail } from '../../../test/users.ts';
import { usdCents } from '../../lib/money.ts';
import { runCommand } from '../../operator/run.ts';
import { sandboxChainsOf } from '../../sandbox/chains/smart-wallets.ts';
import { activeFlags } from '../flags/index.ts';
import { balances, getJournal } from '../ledger/index.ts';
import { checkLedger } from '../ledger/check.ts';

let t: TestApp;
let base: string;
let plaid: PlaidApi;

before(async () => {
  t = await startTestApp({ listen: true, workers: true });
  base = baseUrl(t);
  plaid = t.ctx.plaid.api();
});
after(async () => t?.close());

async function advanceDays(days: number) {
  const res = await post(t, '/sandbox/clock:advance', { days });
  assert.equal(res.statusCode, 200, res.body);
}

async function transferOf(purchaseId: string): Promise<string> {
  return until('the Plaid transfer', async () => (await t.ctx.ach.get(purchaseId))?.provider_ref ?? undefined);
}

async function purchase(id: string) {
  return t.db.db.selectFrom('purchases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function ledgerClean() {
  const report = await checkLedger(t.db.db);
  assert.equal(report.ok, true, JSON.stringify(report));
}

async function cli(...argv: string[]) {
  const out = await runCommand(t.ctx, argv);
  assert.equal(out.exitCode, 0, out.error);
  return out.output as Array<Record<string, unknown>> & Record<string, unknown>;
}

const flagsOf = async (userId: string) => (await activeFlags(t.db.db, userId)).map((f) => f.code);

describe('money that comes back', () => {
  test("Plaid's `failed` (no money moved) fails a STANDARD purchase: nothing sent, F1001", async () => {
    const buyer = await readyBuyer(t, base);
    const res = await buy(t, buyer, { fiatAmount: '25', cryptoCurrency: 'USDC_ETHEREUM', type: 'STANDARD' });
    assert.equal(res.statusCode, 202, res.body);
    const id = res.json().activityItem.id;
    await plaid.sandboxTransferSimulate({
      transfer_id: await transferOf(id),
      event_type: 'failed',
      webhook: `${base}/webhooks/plaid`,
    });
    const failed = await waitForActivity(t, buyer, id, (a) => a.fiat.status === 'FAILED');
    assert.equal(failed.crypto.status, 'FAILED');
    assert.equal(failed.metadata.failureReason, 'ACH_FAILED');
    assert.deepEqual(await flagsOf(buyer.id), ['F1001']);
    assert.equal((await getJournal(t.db.db, { kind: 'ach.debit', reference: id }))?.status, 'VOIDED');
    await ledgerClean();
  });

  test('a late R10 return after settlement and delivery: F1002, the loss owed by the user, listed for the operator', async () => {
    const buyer = await readyBuyer(t, base);
    const res = await buy(t, buyer, { fiatAmount: '25', cryptoCurrency: 'ETH', type: 'INSTANT' });
    const id = res.json().activityItem.id;
    await waitForActivity(t, buyer, id, (a) => a.crypto.status === 'COMPLETED');
    await advanceDays(8);
    await signInAgain(t, buyer);
    await waitForActivity(t, buyer, id, (a) => a.fiat.status === 'COMPLETED');

    // Weeks later the account holder tells the bank they never authorized it; Plaid reports the return.
    await advanceDays(20);
    await plaid.sandboxTransferSimulate({
      transfer_id: await transferOf(id),
      event_type: 'returned',
      failure_reason: { failure_code: 'R10', description: 'Customer advises not authorized' },
      webhook: `${base}/webhooks/plaid`,
    });
    await signInAgain(t, buyer);
    const late = await waitForActivity(t, buyer, id, (a) => a.fiat.status === 'FAILED');
    assert.equal(late.crypto.status, 'COMPLETED', 'the crypto stays delivered');
    assert.equal(late.metadata.failureReason, 'ACH_RETURNED_LATE');
    assert.equal(late.metadata.achReturnCode, 'R10');
    assert.equal(late.metadata.achReturnReason, 'Customer advises not authorized');
    assert.deepEqual(await flagsOf(buyer.id), ['F1002']);
    assert.equal((await balances(t.db.db, `user:${buyer.id}:late_return_receivable`, 'USD')).posted, 2500n);
    const blocked = await buy(t, buyer, { fiatAmount: '20', cryptoCurrency: 'ETH', type: 'INSTANT' });
    assert.equal(blocked.json().code, 'USER_BLOCKED');
    const listed = await cli('purchases', 'list', '--status', 'LATE_RETURNED');
    assert.ok(listed.some((p) => p.id === id && p.achReturnCode === 'R10'));
    await ledgerClean();
  });

  let refunded: { buyer: BuyerUser; id: string };

  test('a STANDARD re-quote refused at settlement refunds the user through Plaid Transfer, with an email', async () => {
    const buyer = await readyBuyer(t, base);
    const res = await buy(t, buyer, { fiatAmount: '30', cryptoCurrency: 'USDC_ETHEREUM', type: 'STANDARD' });
    const id = res.json().activityItem.id;
    refunded = { buyer, id };
    await waitForActivity(t, buyer, id, (a) => typeof a.metadata.expectedSettlementDate === 'string');
    // The operator raises the Ethereum minimum before the debit settles: the re-quote is refused.
    const minimums = t.ctx.config.product.minimumCents;
    const before = minimums.ETHEREUM;
    minimums.ETHEREUM = usdCents(100_00n);
    try {
      await advanceDays(8);
      await signInAgain(t, buyer);
      const item = await waitForActivity(
        t,
        buyer,
        id,
        (a) => (a.metadata.refund as { status?: string })?.status === 'PENDING',
      );
      assert.equal(item.fiat.status, 'COMPLETED', 'the debit did settle');
      assert.equal(item.crypto.status, 'FAILED');
      assert.equal(item.metadata.failureReason, 'REQUOTE_REFUSED');
      assert.deepEqual(item.metadata.refund, {
        status: 'PENDING',
        currency: 'USD',
        amount: '30.00',
        reason: 'REQUOTE_REFUSED',
        updateTime: (item.metadata.refund as { updateTime: string }).updateTime,
      });
    } finally {
      minimums.ETHEREUM = before;
    }
    await waitForEmail(t, buyer.email, /refunded/i);
    const p = await purchase(id);
    assert.deepEqual([p.payout_state, p.refund_state], ['CANCELLED', 'PENDING']);
    const { data } = await plaid.transferGet({ transfer_id: await transferOf(id) });
    assert.deepEqual(
      data.transfer.refunds.map((r) => [r.amount, r.status]),
      [['30.00', 'pending']],
    );
    await ledgerClean();
  });

  test('a refund Plaid reports failed is FAILED for the operator, who sends it again', async () => {
    const { buyer, id } = refunded;
    const transfer = (await plaid.transferGet({ transfer_id: await transferOf(id) })).data.transfer;
    await plaid.sandboxTransferRefundSimulate({
      refund_id: transfer.refunds[0]!.id,
      event_type: 'refund.failed',
      failure_reason: { description: 'Account closed' },
      webhook: `${base}/webhooks/plaid`,
    });
    await waitForActivity(t, buyer, id, (a) => (a.metadata.refund as { status?: string })?.status === 'FAILED');
    assert.ok((await cli('purchases', 'list', '--status', 'REFUND_FAILED')).some((p) => p.id === id));
    const again = await cli('purchases', 'refund', id, '--reason', 'user confirmed a new account');
    assert.equal(again.refund, 'PENDING', JSON.stringify(again));
    // Posted at the next cutoff, settled the business day after (a weekend or holiday may come between).
    await advanceDays(5);
    await waitForActivity(t, buyer, id, (a) => (a.metadata.refund as { status?: string })?.status === 'COMPLETED');
    assert.equal((await purchase(id)).refund_state, 'SETTLED');
    // Paid 30, refunded 30: the user's order and receivable are square.
    assert.equal((await balances(t.db.db, `user:${buyer.id}:orders`, 'USD')).posted, 0n);
    assert.equal((await balances(t.db.db, `user:${buyer.id}:ach_receivable:STANDARD`, 'USD')).posted, 0n);
    const refunds = await t.db.db
      .selectFrom('ach_refunds')
      .select(['attempt', 'status'])
      .where('debit_id', '=', id)
      .orderBy('attempt')
      .execute();
    assert.deepEqual(refunds, [
      { attempt: 1, status: 'FAILED' },
      { attempt: 2, status: 'SETTLED' },
    ]);
    assert.equal((await cli('purchases', 'refund', id, '--reason', 'again')).outcome, 'already refunded (SETTLED)');
    await ledgerClean();
  });

  test('an INSTANT payout that reverts on chain is refunded once the debit settles', async () => {
    const buyer = await readyBuyer(t, base);
    const chains = sandboxChainsOf(t.ctx);
    // The recipient becomes a contract that rejects ETH between signing and mining (as a counterfactual
    // smart wallet deployed meanwhile would): mining is paused, the code set, then the block mined.
    await chains.rpcRequest('ETHEREUM', { method: 'evm_setAutomine', params: [false] });
    let id: string;
    try {
      const res = await buy(t, buyer, { fiatAmount: '25', cryptoCurrency: 'ETH', type: 'INSTANT' });
      id = res.json().activityItem.id;
      await until('the payout in the mempool', async () => {
        const row = await t.db.db.selectFrom('payouts').select('status').where('id', '=', id).executeTakeFirst();
        return row?.status === 'SUBMITTED' ? true : undefined;
      });
      await chains.rpcRequest('ETHEREUM', { method: 'hardhat_setCode', params: [buyer.walletAddress, '0x60006000fd'] });
      await chains.rpcRequest('ETHEREUM', { method: 'evm_mine', params: [] });
    } finally {
      await chains.rpcRequest('ETHEREUM', { method: 'evm_setAutomine', params: [true] });
    }
    const failed = await waitForActivity(t, buyer, id, (a) => a.crypto.status === 'FAILED');
    assert.equal(failed.metadata.failureReason, 'DELIVERY_FAILED');
    assert.equal((await purchase(id)).refund_state, 'REQUIRED', 'the refund waits for the money to arrive');
    await waitForEmail(t, buyer.email, /failed/i);
    await advanceDays(8);
    await waitForActivity(t, buyer, id, (a) => (a.metadata.refund as { status?: string })?.status === 'PENDING');
    await advanceDays(5);
    const done = await waitForActivity(
      t,
      buyer,
      id,
      (a) => (a.metadata.refund as { status?: string })?.status === 'COMPLETED',
    );
    assert.equal(done.fiat.status, 'COMPLETED');
    assert.equal(await getJournal(t.db.db, { kind: 'purchase.delivered', reference: id }), undefined, 'no crypto left');
    await ledgerClean();
  });

  test('invariant: a paid purchase never ends with neither its crypto nor a refund', async () => {
    // The database refuses it, whoever writes: the refunded purchase cannot lose its refund.
    await assert.rejects(
      t.db.db.updateTable('purchases').set({ refund_state: 'NONE' }).where('id', '=', refunded.id).execute(),
      /purchases_paid_means_crypto_or_refund/,
    );
    const stranded = await t.db.db
      .selectFrom('purchases')
      .select('id')
      .where('ach_state', '=', 'SETTLED')
      .where('payout_state', 'in', ['FAILED', 'CANCELLED'])
      .where('refund_state', 'in', ['NONE', 'NOT_NEEDED'])
      .execute();
    assert.deepEqual(stranded, []);
    await ledgerClean();
  });
});
