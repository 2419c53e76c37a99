// The rules that span a purchase's state machines, broken on purpose. The database refuses a
// hand-written UPDATE that breaks one (CHECK constraints of 0047 and 0048), and accepts exactly the
// states the code's purchaseRuleBroken() accepts, over every combination of states; the code, driven
// into a move that would break one, fails with an InvariantError logged at fatal level and leaves the
// row where it was. Run with DATABASE_URL set to check the same on PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { buy, readyBuyer, until, waitForActivity, type BuyerUser } from '../../../test/purchases.ts';
import { InvariantError } from '../../lib/invariant.ts';
import { advancePurchase } from './advance-purchase.ts';
import { PROCESS_QUEUE } from './queues.ts';
import {
  ACH_TRANSITIONS,
  PAYOUT_TRANSITIONS,
  purchaseRuleBroken,
  REFUND_TRANSITIONS,
  RISK_TRANSITIONS,
  type PurchaseStates,
} from './state.ts';
import type { AchState, AchType, PayoutState, RefundState, RiskState } from './tables.ts';

let t: TestApp;
let buyer: BuyerUser;

before(async () => {
  t = await startTestApp({ listen: true, workers: true });
  buyer = await readyBuyer(t, baseUrl(t));
});
after(async () => t?.close());

async function purchase(id: string) {
  return t.db.db.selectFrom('purchases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** A purchase bought through the API, once it reaches `ready`. */
async function bought(type: AchType, ready: (p: Awaited<ReturnType<typeof purchase>>) => boolean) {
  const res = await buy(t, buyer, { fiatAmount: '25', cryptoCurrency: 'ETH', type });
  assert.equal(res.statusCode, 202, res.body);
  const id = res.json().activityItem.id as string;
  await until(`the ${type} purchase`, async () => (ready(await purchase(id)) ? true : undefined));
  return id;
}

const every = <S extends string>(table: Record<S, S[]>) => Object.keys(table) as S[];

describe('purchase invariants (purchaseRuleBroken and the CHECK constraints)', () => {
  let instant: string;
  let standard: string;

  before(async () => {
    instant = await bought('INSTANT', (p) => p.payout_state === 'CONFIRMED');
    await waitForActivity(t, buyer, instant, (a) => a.crypto.status === 'COMPLETED');
    standard = await bought('STANDARD', (p) => p.ach_state === 'ORIGINATED');
  });

  test('the database refuses an UPDATE that requests a payout the rules forbid', async () => {
    const set = (id: string, values: Partial<Record<string, string>>) =>
      t.db.db.updateTable('purchases').set(values).where('id', '=', id).execute();
    // INSTANT, crypto delivered: risk and the debit cannot be taken back from under the payout.
    await assert.rejects(set(instant, { risk_state: 'PENDING' }), /purchases_payout_after_approved_debit/);
    await assert.rejects(set(instant, { ach_state: 'CANCELLED' }), /purchases_payout_after_approved_debit/);
    // STANDARD, debit originated and not settled: no payout yet, whoever writes it.
    await assert.rejects(set(standard, { payout_state: 'REQUESTED' }), /purchases_standard_payout_after_settlement/);
    assert.equal((await purchase(standard)).payout_state, 'WAITING');
    assert.equal((await purchase(instant)).risk_state, 'APPROVED');
  });

  test('the database accepts exactly the states the code accepts, over every combination', async () => {
    const refused: string[] = [];
    const codeRefuses: string[] = [];
    let combinations = 0;
    // One transaction, a savepoint per combination, all rolled back: the row ends as it began.
    await assert.rejects(
      t.db.db.transaction().execute(async (trx) => {
        for (const ach_type of ['INSTANT', 'STANDARD'] as AchType[])
          for (const risk_state of every<RiskState>(RISK_TRANSITIONS))
            for (const ach_state of every<AchState>(ACH_TRANSITIONS))
              for (const payout_state of every<PayoutState>(PAYOUT_TRANSITIONS))
                for (const refund_state of every<RefundState>(REFUND_TRANSITIONS)) {
                  const s: PurchaseStates = { ach_type, risk_state, ach_state, payout_state, refund_state };
                  const name = Object.values(s).join('/');
                  combinations++;
                  if (purchaseRuleBroken(s) !== null) codeRefuses.push(name);
                  await sql`savepoint combination`.execute(trx);
                  try {
                    await trx.updateTable('purchases').set(s).where('id', '=', standard).execute();
                  } catch (error) {
                    assert.match(String(error), /violates check constraint "purchases_/, name);
                    refused.push(name);
                  }
                  await sql`rollback to savepoint combination`.execute(trx);
                }
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal(combinations, 2 * 3 * 7 * 6 * 6);
    assert.deepEqual(refused, codeRefuses);
    assert.ok(refused.length > 0 && refused.length < combinations);
    // Late returns stay legal: the debit came back after its payout was requested (F1002 after
    // settlement for both types; before settlement only INSTANT has a payout to speak of).
    const late = { risk_state: 'APPROVED', payout_state: 'CONFIRMED', refund_state: 'NONE' } as const;
    assert.equal(purchaseRuleBroken({ ...late, ach_type: 'STANDARD', ach_state: 'RETURNED_LATE' }), null);
    assert.equal(purchaseRuleBroken({ ...late, ach_type: 'INSTANT', ach_state: 'RETURNED' }), null);
    assert.ok(!refused.includes('STANDARD/APPROVED/RETURNED_LATE/CONFIRMED/NONE'));
    assert.ok(refused.includes('STANDARD/APPROVED/RETURNED/CONFIRMED/NONE'));
    assert.equal((await purchase(standard)).ach_state, 'ORIGINATED', 'everything was rolled back');
  });

  test('the code, driven into a payout the rules forbid, fails with an InvariantError logged fatal', async () => {
    // A row the database allows but the code must not build on: the debit reads SETTLED while risk
    // never approved it (corrupt state, written by hand). The purchase job would request the payout.
    await t.db.db
      .updateTable('purchases')
      .set({ ach_state: 'SETTLED', risk_state: 'PENDING' })
      .where('id', '=', standard)
      .execute();
    await assert.rejects(advancePurchase(t.ctx, standard), (error: unknown) => {
      assert.ok(error instanceof InvariantError, String(error));
      assert.match(error.message, /only once risk approved the purchase/);
      return true;
    });
    // Through the job, as in production: pg-boss retries it, and each failure is logged fatal.
    await t.ctx.jobs.send(PROCESS_QUEUE, { id: standard });
    t.ctx.jobs.wake(PROCESS_QUEUE);
    const fatal = await until('the fatal log line', async () =>
      t.logs
        .records()
        .find(
          (r) =>
            r.level === 60 && r.queue === PROCESS_QUEUE && String(r.err && (r.err as Error).message).includes(standard),
        ),
    );
    assert.match(String(fatal.msg), /invariant broken/);
    const row = await purchase(standard);
    assert.equal(row.payout_state, 'WAITING', 'no payout was requested');
    assert.equal(row.payout_amount_minor, null);
    const payout = await t.db.db.selectFrom('payouts').select('id').where('id', '=', standard).executeTakeFirst();
    assert.equal(payout, undefined, 'nothing was sent on chain');
  });
});
